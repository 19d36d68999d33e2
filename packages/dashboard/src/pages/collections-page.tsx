import { useCallback } from 'react';
import { Link } from 'react-router-dom';
import { type CollectionQuery, collectionUrl, listCollections } from '../api/client.js';
import type { CollectionPage } from '../api/types.js';
import { AuthBadges, CapBadge, TagChip } from '../components/badges.js';
import { EmptyState } from '../components/empty-state.js';
import { ErrorBanner } from '../components/layout.js';
import { PERFORMANCE_COLUMNS, PerformanceCells } from '../components/performance-cells.js';
import { SearchBox } from '../components/search-box.js';
import { formatAgo, formatDateTime, formatNumber } from '../lib/format.js';
import { usePolling } from '../lib/use-polling.js';
import { useUrlState } from '../lib/use-url-state.js';

/** `key` is the URL's sort name, `api` the server's sort key. */
const COLUMNS = [
  { key: 'name', api: 'name', label: 'Collection', numeric: false },
  { key: 'endpoints', api: 'endpoints', label: 'Endpoints', numeric: true },
  { key: 'sensitive', api: 'sensitiveParams', label: 'Sensitive params', numeric: true },
  { key: 'auth', api: 'authTypes', label: 'Auth types', numeric: false },
  ...PERFORMANCE_COLUMNS.map((c) => ({ key: c.key, api: c.key, label: c.label, numeric: true })),
  { key: 'tags', api: 'tags', label: 'Tags', numeric: false },
  { key: 'firstSeen', api: 'firstSeen', label: 'First discovered', numeric: false },
  { key: 'lastSeen', api: 'lastSeen', label: 'Last traffic', numeric: false },
] as const;
type SortKey = (typeof COLUMNS)[number]['key'];

/** Rows per page: what a screen or two shows; the server pages, sorts and searches. */
const PAGE_SIZE = 50;

const isPerformanceKey = (key: SortKey): boolean => PERFORMANCE_COLUMNS.some((c) => c.key === key);

const isSortKey = (s: string | null): s is SortKey => COLUMNS.some((c) => c.key === s);

export function CollectionsPage() {
  const [params, update] = useUrlState();
  const search = params.get('q') ?? '';
  const tag = params.get('tag') ?? '';
  const rawSort = params.get('sort');
  const sort: SortKey = isSortKey(rawSort) ? rawSort : 'lastSeen';
  const dir = params.get('dir') === 'asc' ? 'asc' : params.get('dir') === 'desc' ? 'desc' : null;
  const descending = dir === null ? sort === 'lastSeen' : dir === 'desc';
  const rawPage = Number(params.get('page') ?? '1');
  const page = Number.isInteger(rawPage) && rawPage >= 1 ? rawPage : 1;
  const apiSort = COLUMNS.find((c) => c.key === sort)?.api ?? 'lastSeen';
  const order = descending ? 'desc' : 'asc';
  const load = useCallback(
    (signal: AbortSignal) => {
      const query: CollectionQuery = { search, tag, sort: apiSort, order };
      return listCollections(query, page, PAGE_SIZE, signal);
    },
    [search, tag, apiSort, order, page],
  );
  const key = JSON.stringify([search, tag, apiSort, order, page]);
  // Only the page on screen is polled; the previous answer stays up while a new page or search loads.
  const { data, error, loading, stale } = usePolling<CollectionPage>(load, key, 3000, { keepData: true });
  // Another filter or order starts from the first page.
  const refine = (changes: Record<string, string | null>) => update({ ...changes, page: null });

  if (loading) return <p className="muted">Loading collections…</p>;
  if (data !== undefined && data.total === 0 && search === '' && tag === '') {
    return (
      <>
        <ErrorBanner error={error} />
        <EmptyState />
      </>
    );
  }
  const rows = data?.collections ?? [];
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const first = (page - 1) * PAGE_SIZE;

  return (
    <section>
      <div className="page-head">
        <h1>API collections</h1>
        <span className="muted" data-testid="collection-count">
          {stale === true
            ? 'Loading…'
            : `${
                rows.length === 0
                  ? `0 of ${formatNumber(total)}`
                  : `${formatNumber(first + 1)}–${formatNumber(first + rows.length)} of ${formatNumber(total)}`
              } ${search !== '' || tag !== '' ? 'matching ' : ''}collections`}
        </span>
      </div>
      <ErrorBanner error={error} />
      <div className="toolbar">
        <SearchBox value={search} placeholder="Search name, host or tag" onChange={(q) => refine({ q })} />
        {tag !== '' && (
          <span className="active-filter" data-testid="active-tag-filter">
            Tag: <span className="chip chip-active">{tag}</span>
            <button type="button" className="link-button" onClick={() => refine({ tag: null })}>
              clear
            </button>
          </span>
        )}
      </div>
      <table className={stale === true ? 'table stale' : 'table'} data-testid="collections-table">
        <thead>
          <tr>
            {COLUMNS.map((col) => {
              const active = col.key === sort;
              return (
                <th
                  key={col.key}
                  className={col.numeric ? 'num' : undefined}
                  aria-sort={ariaSort(active, descending)}
                >
                  <button
                    type="button"
                    className="sort-button"
                    data-testid={`collection-sort-${col.key}`}
                    onClick={() =>
                      refine({
                        sort: col.key,
                        // Performance starts worst first; the others A→Z, smallest first.
                        dir: active
                          ? descending
                            ? 'asc'
                            : 'desc'
                          : isPerformanceKey(col.key)
                            ? 'desc'
                            : 'asc',
                      })
                    }
                  >
                    {col.label}
                    <span className="sort-arrow">{active ? (descending ? '▼' : '▲') : ''}</span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.id} data-testid="collection-row">
              <td>
                <Link to={collectionUrl(c.id)} className="strong collection-name">
                  {c.name}
                </Link>
                <CapBadge collection={c} />
                {c.host !== null && c.host !== c.name && <div className="muted small">{c.host}</div>}
              </td>
              <td className="num">{formatNumber(c.endpoints)}</td>
              <td className="num">
                {c.sensitiveParams > 0 ? (
                  <span className="badge badge-sensitive">{formatNumber(c.sensitiveParams)}</span>
                ) : (
                  '0'
                )}
              </td>
              <td>
                <AuthBadges types={c.authTypes} />
              </td>
              <PerformanceCells performance={c.performance} />
              <td>
                <span className="badges">
                  {Object.entries(c.tags).map(([k, v]) => (
                    <TagChip key={k} name={k} value={v} active={tag === `${k}=${v}`} />
                  ))}
                </span>
              </td>
              <td className="nowrap" title={c.firstSeen}>
                {formatDateTime(c.firstSeen)}
              </td>
              <td className="nowrap" title={formatDateTime(c.lastSeen)}>
                {formatAgo(c.lastSeen)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && (
        <p className="muted">
          {total === 0 ? 'No collection matches these filters.' : 'No collections on this page.'}
        </p>
      )}
      {(pages > 1 || page > 1) && (
        <nav className="pager" aria-label="Collection pages" data-testid="collection-pager">
          <button
            type="button"
            className="button-secondary"
            disabled={page <= 1}
            data-testid="collection-page-prev"
            onClick={() => update({ page: page - 1 <= 1 ? null : String(Math.min(page - 1, pages)) })}
          >
            ← Previous
          </button>
          <span className="muted" data-testid="collection-page">
            Page {formatNumber(page)} of {formatNumber(pages)}
          </span>
          <button
            type="button"
            className="button-secondary"
            disabled={page >= pages}
            data-testid="collection-page-next"
            onClick={() => update({ page: String(page + 1) })}
          >
            Next →
          </button>
        </nav>
      )}
    </section>
  );
}

function ariaSort(active: boolean, descending: boolean): 'ascending' | 'descending' | 'none' {
  if (!active) return 'none';
  return descending ? 'descending' : 'ascending';
}
