import { useCallback, useMemo } from 'react';
import { Link, useParams } from 'react-router-dom';
import { type EndpointQuery, getCollection, openApiUrl } from '../api/client.js';
import { HTTP_METHODS, type Performance, SENSITIVE_CLASSES } from '../api/types.js';
import { AuthBadges, CapBadge, TagChip } from '../components/badges.js';
import {
  ENDPOINT_SORTS,
  type EndpointSort,
  type EndpointSortState,
  EndpointTable,
} from '../components/endpoint-table.js';
import { Breadcrumbs, ErrorBanner } from '../components/layout.js';
import { formatFigure, PERFORMANCE_COLUMNS } from '../components/performance-cells.js';
import { SearchBox } from '../components/search-box.js';
import { ENDPOINT_TABS, type EndpointTab, useEndpointRows } from '../lib/endpoint-rows.js';
import { formatAgo, formatDateTime, formatNumber } from '../lib/format.js';
import { usePolling } from '../lib/use-polling.js';
import { useUrlState } from '../lib/use-url-state.js';

const TAB_LABELS: Record<EndpointTab, string> = {
  all: 'All',
  sensitive: 'Sensitive',
  new: 'New (7 days)',
  noauth: 'No auth',
};

const isSort = (s: string | null): s is EndpointSort =>
  (ENDPOINT_SORTS as readonly (string | null)[]).includes(s);

const isTab = (s: string | null): s is EndpointTab =>
  (ENDPOINT_TABS as readonly (string | null)[]).includes(s);

export function EndpointsPage() {
  const { id = '' } = useParams();
  const [params, update] = useUrlState();
  const rawTab = params.get('tab');
  const tab: EndpointTab = isTab(rawTab) ? rawTab : 'all';
  const search = params.get('q') ?? '';
  const method = params.get('method') ?? '';
  const sensitive = params.get('sensitive') ?? '';
  const rawSort = params.get('sort');
  const sort: EndpointSort = isSort(rawSort) ? rawSort : 'path';
  // Paths read A→Z; calls and performance worst first.
  const naturalDescending = sort !== 'path';
  const dir = params.get('dir');
  const descending = dir === 'desc' ? true : dir === 'asc' ? false : naturalDescending;
  const order = descending ? 'desc' : 'asc';
  const query = useMemo<EndpointQuery>(
    () => ({ search, method, sensitive, ...(sort === 'path' && order === 'asc' ? {} : { sort, order }) }),
    [search, method, sensitive, sort, order],
  );
  const sorting: EndpointSortState = {
    sort,
    descending,
    onSort: (next) =>
      update(
        next === sort
          ? { sort: next, dir: descending ? 'asc' : 'desc' }
          : { sort: next === 'path' ? null : next, dir: null },
      ),
  };
  const rows = useEndpointRows(id, query, tab, 5000);
  const loadCollection = useCallback((signal: AbortSignal) => getCollection(id, signal), [id]);
  const collections = usePolling(loadCollection, `collection:${id}`, 5000);
  const collection = collections.data;

  const filtered = search !== '' || method !== '' || sensitive !== '' || tab !== 'all';
  return (
    <section>
      <Breadcrumbs>
        <Link to="/">Collections</Link> / <span>{collection?.name ?? id}</span>
      </Breadcrumbs>
      <div className="page-head">
        <h1 data-testid="collection-name">
          {collection?.name ?? 'Collection'}
          {collection !== undefined && <CapBadge collection={collection} />}
        </h1>
        <a className="button" href={openApiUrl(id)} download={`${id}-openapi.json`}>
          Download OpenAPI
        </a>
      </div>
      {collection !== undefined && (
        <div className="summary">
          <span>
            <strong>{formatNumber(collection.endpoints)}</strong> endpoints
          </span>
          <span>
            <strong>{formatNumber(collection.sensitiveParams)}</strong> sensitive params
          </span>
          <AuthBadges types={collection.authTypes} />
          {collection.performance !== null && (
            <span data-testid="collection-performance">
              {PERFORMANCE_COLUMNS.map((c) => (
                <span key={c.key} className="perf-fact">
                  {c.label} <strong>{formatFigure(collection.performance as Performance, c.key)}</strong>
                </span>
              ))}
              <span className="perf-fact">
                <strong>{formatNumber(collection.performance.invocations)}</strong> invocations
              </span>
            </span>
          )}
          <span className="badges">
            {Object.entries(collection.tags).map(([k, v]) => (
              <TagChip key={k} name={k} value={v} />
            ))}
          </span>
          <span className="muted">
            discovered {formatDateTime(collection.firstSeen)} · last traffic {formatAgo(collection.lastSeen)}
          </span>
        </div>
      )}
      <ErrorBanner error={collections.error ?? rows.error} />
      <nav className="tabs" aria-label="Endpoint views">
        {ENDPOINT_TABS.map((t) => (
          <button
            key={t}
            type="button"
            className={t === tab ? 'tab tab-active' : 'tab'}
            aria-pressed={t === tab}
            onClick={() => update({ tab: t === 'all' ? null : t })}
          >
            {TAB_LABELS[t]}
          </button>
        ))}
      </nav>
      <div className="toolbar">
        <SearchBox value={search} placeholder="Search paths" onChange={(q) => update({ q })} />
        <label>
          Method{' '}
          <select value={method} onChange={(e) => update({ method: e.target.value })} aria-label="Method">
            <option value="">any</option>
            {HTTP_METHODS.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sensitive data{' '}
          <select
            value={sensitive}
            onChange={(e) => update({ sensitive: e.target.value })}
            aria-label="Sensitive class"
          >
            <option value="">any</option>
            {SENSITIVE_CLASSES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" data-testid="endpoint-count">
          {rows.total === undefined
            ? 'Loading…'
            : `${formatNumber(rows.total)} ${filtered ? 'matching ' : ''}endpoint${rows.total === 1 ? '' : 's'}`}
        </span>
      </div>
      <EndpointTable rows={rows} sorting={sorting} />
      {rows.total === 0 && (
        <p className="muted" data-testid="no-endpoints">
          {filtered ? 'No endpoint matches these filters.' : 'No endpoints in this collection yet.'}
        </p>
      )}
    </section>
  );
}
