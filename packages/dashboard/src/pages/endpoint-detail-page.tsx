import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { collectionUrl, getCollection, getEndpoint, openApiUrl } from '../api/client.js';
import type { EndpointDetail, Sample } from '../api/types.js';
import { AuthBadges, MethodBadge, SensitiveBadges, StatusCodes } from '../components/badges.js';
import { HourlyChart } from '../components/hourly-chart.js';
import { Breadcrumbs, ErrorBanner } from '../components/layout.js';
import { FunctionsTable, HourlyPerformanceTable, PerformanceFacts } from '../components/performance-view.js';
import { SampleView } from '../components/sample-view.js';
import { SchemaView } from '../components/schema-view.js';
import { formatAgo, formatDateTime, formatNumber } from '../lib/format.js';
import { usePolling } from '../lib/use-polling.js';

export function EndpointDetailPage() {
  const { id = '' } = useParams();
  const load = useCallback((signal: AbortSignal) => getEndpoint(id, signal), [id]);
  const { data, error, loading } = usePolling<EndpointDetail>(load, `endpoint:${id}`, 5000);
  const collectionId = data?.endpoint.collectionId ?? '';
  const loadCollection = useCallback(
    (signal: AbortSignal) =>
      collectionId === '' ? Promise.resolve(undefined) : getCollection(collectionId, signal),
    [collectionId],
  );
  const collection = usePolling(loadCollection, `collection:${collectionId}`, 15_000).data;

  if (loading) return <p className="muted">Loading endpoint…</p>;
  if (data === undefined) return <ErrorBanner error={error ?? new Error('endpoint not found')} />;

  const { endpoint, parameters, samples, hourly, hourlyPerformance } = data;
  return (
    <section>
      <Breadcrumbs>
        <Link to="/">Collections</Link> /{' '}
        <Link to={collectionUrl(endpoint.collectionId)}>{collection?.name ?? 'collection'}</Link> /{' '}
        <span>endpoint</span>
      </Breadcrumbs>
      <div className="page-head">
        <h1 className="endpoint-title" data-testid="endpoint-title">
          <MethodBadge method={endpoint.method} /> <span className="mono">{endpoint.path}</span>
        </h1>
        <a className="button" href={openApiUrl(endpoint.collectionId)} download data-testid="openapi-link">
          Download OpenAPI
        </a>
      </div>
      <ErrorBanner error={error} />
      <dl className="facts">
        <div>
          <dt>Auth</dt>
          <dd>
            <AuthBadges types={endpoint.authTypes} />
          </dd>
        </div>
        <div>
          <dt>Sensitive</dt>
          <dd>
            <SensitiveBadges classes={endpoint.sensitive} />
          </dd>
        </div>
        <div>
          <dt>Status codes</dt>
          <dd>
            <StatusCodes codes={endpoint.statusCodes} />
          </dd>
        </div>
        <div>
          <dt>Calls</dt>
          <dd>{formatNumber(endpoint.calls)}</dd>
        </div>
        <div>
          <dt>Discovered</dt>
          <dd>{formatDateTime(endpoint.firstSeen)}</dd>
        </div>
        <div>
          <dt>Last seen</dt>
          <dd title={formatDateTime(endpoint.lastSeen)}>{formatAgo(endpoint.lastSeen)}</dd>
        </div>
        {endpoint.graphql !== undefined && (
          <div>
            <dt>GraphQL</dt>
            <dd className="mono">
              {endpoint.graphql.operationType ?? 'operation'} {endpoint.graphql.field}
            </dd>
          </div>
        )}
      </dl>

      <h2>Performance</h2>
      <PerformanceFacts performance={endpoint.performance} />
      <HourlyPerformanceTable hourly={hourlyPerformance} />

      <h2>Functions</h2>
      <FunctionsTable functions={endpoint.functions} otherCalls={endpoint.otherFunctionCalls} />

      <h2>Calls per hour</h2>
      <HourlyChart hourly={hourly} />

      <h2>Schema</h2>
      <Schemas detail={data} />

      <h2>
        Last samples <span className="muted">({samples.length})</span>
      </h2>
      {samples.length === 0 && <p className="muted">No samples kept.</p>}
      <Samples samples={samples} />
      {parameters.length === 0 && samples.length === 0 && <p className="muted">Nothing captured yet.</p>}
    </section>
  );
}

const SAMPLES_SHOWN = 3;

/** Newest first; the first few open, the rest one click away. */
function Samples({ samples }: { samples: Sample[] }) {
  const [all, setAll] = useState(false);
  const newestFirst = [...samples].sort((a, b) => b.time.localeCompare(a.time) || b.seq - a.seq);
  const shown = all ? newestFirst : newestFirst.slice(0, SAMPLES_SHOWN);
  return (
    <>
      {shown.map((sample) => (
        <SampleView key={sample.seq} sample={sample} />
      ))}
      {shown.length < newestFirst.length && (
        <button type="button" className="button-secondary" onClick={() => setAll(true)}>
          Show {newestFirst.length - shown.length} older sample
          {newestFirst.length - shown.length === 1 ? '' : 's'}
        </button>
      )}
    </>
  );
}

/** Request on the left, response on the right, one response schema per status code. */
function Schemas({ detail }: { detail: EndpointDetail }) {
  const request = detail.parameters.filter((p) => p.location === 'request');
  const response = detail.parameters.filter((p) => p.location === 'response');
  const statuses = [
    ...new Set([...detail.endpoint.statusCodes, ...response.map((p) => p.status ?? 0).filter((s) => s > 0)]),
  ].sort((a, b) => a - b);
  const [chosen, setChosen] = useState<number | undefined>(undefined);
  const status = chosen !== undefined && statuses.includes(chosen) ? chosen : statuses[0];
  return (
    <div className="schemas">
      <SchemaView title="Request" parameters={request} testId="request-schema" />
      <div>
        <div className="status-tabs" role="tablist" aria-label="Response status">
          {statuses.map((s) => (
            <button
              key={s}
              type="button"
              role="tab"
              aria-selected={s === status}
              className={s === status ? 'tab tab-active' : 'tab'}
              onClick={() => setChosen(s)}
            >
              {s}
            </button>
          ))}
        </div>
        <SchemaView
          title={`Response ${status ?? ''}`}
          parameters={response.filter((p) => p.status === status)}
          testId="response-schema"
        />
      </div>
    </div>
  );
}
