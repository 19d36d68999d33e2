import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import { collectionUrl, listCollections } from '../api/client.js';
import type { Collection } from '../api/types.js';
import { AuthBadges, CapBadge, TagChip } from '../components/badges.js';
import { EmptyState } from '../components/empty-state.js';
import { ErrorBanner } from '../components/layout.js';
import {
  PERFORMANCE_COLUMNS,
  PerformanceCells,
  type PerformanceColumn,
} from '../components/performance-cells.js';
import { SearchBox } from '../components/search-box.js';
import { formatAgo, formatDateTime, formatNumber } from '../lib/format.js';
import { usePolling } from '../lib/use-polling.js';
import { useUrlState } from '../lib/use-url-state.js';

const COLUMNS = [
  { key: 'name', label: 'Collection', numeric: false },
  { key: 'endpoints', label: 'Endpoints', numeric: true },
  { key: 'sensitive', label: 'Sensitive params', numeric: true },
  { key: 'auth', label: 'Auth types', numeric: false },
  ...PERFORMANCE_COLUMNS.map((c) => ({ key: c.key, label: c.label, numeric: true })),
  { key: 'tags', label: 'Tags', numeric: false },
  { key: 'firstSeen', label: 'First discovered', numeric: false },
  { key: 'lastSeen', label: 'Last traffic', numeric: false },
] as const;
type SortKey = (typeof COLUMNS)[number]['key'];

const tagList = (c: Collection) =>
  Object.entries(c.tags)
    .map(([k, v]) => `${k}=${v}`)
    .sort();

const SORTERS: Record<SortKey, (a: Collection, b: Collection) => number> = {
  name: (a, b) => a.name.localeCompare(b.name),
  endpoints: (a, b) => a.endpoints - b.endpoints,
  sensitive: (a, b) => a.sensitiveParams - b.sensitiveParams,
  auth: (a, b) => a.authTypes.join(',').localeCompare(b.authTypes.join(',')),
  tags: (a, b) => tagList(a).join(',').localeCompare(tagList(b).join(',')),
  firstSeen: (a, b) => a.firstSeen.localeCompare(b.firstSeen),
  lastSeen: (a, b) => a.lastSeen.localeCompare(b.lastSeen),
  ...(Object.fromEntries(
    PERFORMANCE_COLUMNS.map(({ key }) => [
      key,
      (a: Collection, b: Collection) => (a.performance?.[key] ?? 0) - (b.performance?.[key] ?? 0),
    ]),
  ) as Record<PerformanceColumn, (a: Collection, b: Collection) => number>),
};

const isPerformanceKey = (key: SortKey): key is PerformanceColumn =>
  PERFORMANCE_COLUMNS.some((c) => c.key === key);

const isSortKey = (s: string | null): s is SortKey => COLUMNS.some((c) => c.key === s);

export function CollectionsPage() {
  const [params, update] = useUrlState();
  const { data, error, loading } = usePolling(listCollections, 'collections', 3000);
  const search = params.get('q') ?? '';
  const tag = params.get('tag') ?? '';
  const rawSort = params.get('sort');
  const sort: SortKey = isSortKey(rawSort) ? rawSort : 'lastSeen';
  const dir = params.get('dir') === 'asc' ? 'asc' : params.get('dir') === 'desc' ? 'desc' : null;
  const descending = dir === null ? sort === 'lastSeen' : dir === 'desc';

  const rows = useMemo(() => {
    const needle = search.toLowerCase();
    const filtered = (data ?? []).filter((c) => {
      if (tag !== '' && !tagList(c).includes(tag)) return false;
      if (needle === '') return true;
      return [c.name, c.host ?? '', ...tagList(c)].some((s) => s.toLowerCase().includes(needle));
    });
    const compare = SORTERS[sort];
    // Collections without performance come last in either order.
    const missing = (c: Collection) => (isPerformanceKey(sort) && c.performance === null ? 1 : 0);
    return filtered.sort(
      (a, b) =>
        missing(a) - missing(b) ||
        (descending ? -compare(a, b) : compare(a, b)) ||
        a.name.localeCompare(b.name),
    );
  }, [data, search, tag, sort, descending]);

  if (loading) return <p className="muted">Loading collections…</p>;
  if (data !== undefined && data.length === 0) {
    return (
      <>
        <ErrorBanner error={error} />
        <EmptyState />
      </>
    );
  }

  return (
    <section>
      <div className="page-head">
        <h1>API collections</h1>
        <span className="muted" data-testid="collection-count">
          {rows.length} of {data?.length ?? 0} collections
        </span>
      </div>
      <ErrorBanner error={error} />
      <div className="toolbar">
        <SearchBox value={search} placeholder="Search name, host or tag" onChange={(q) => update({ q })} />
        {tag !== '' && (
          <span className="active-filter" data-testid="active-tag-filter">
            Tag: <span className="chip chip-active">{tag}</span>
            <button type="button" className="link-button" onClick={() => update({ tag: null })}>
              clear
            </button>
          </span>
        )}
      </div>
      <table className="table" data-testid="collections-table">
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
                      update({
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
      {rows.length === 0 && <p className="muted">No collection matches these filters.</p>}
    </section>
  );
}

function ariaSort(active: boolean, descending: boolean): 'ascending' | 'descending' | 'none' {
  if (!active) return 'none';
  return descending ? 'descending' : 'ascending';
}
