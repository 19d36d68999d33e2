import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import { endpointUrl } from '../api/client.js';
import type { EndpointRows } from '../lib/endpoint-rows.js';
import { formatAgo, formatDateTime, formatNumber } from '../lib/format.js';
import { AuthBadges, MethodBadge, SensitiveBadges, StatusCodes } from './badges.js';
import { PERFORMANCE_COLUMNS, PerformanceCells } from './performance-cells.js';

const ROW_HEIGHT = 44;

/** The server-side sort keys of the endpoint list (`sort=` of the query API). */
export const ENDPOINT_SORTS = ['path', 'calls', ...PERFORMANCE_COLUMNS.map((c) => c.key)] as const;
export type EndpointSort = (typeof ENDPOINT_SORTS)[number];

export interface EndpointSortState {
  sort: EndpointSort;
  descending: boolean;
  /** A header was clicked: the same key flips the order, another starts in its natural order. */
  onSort(sort: EndpointSort): void;
}

function SortHeader({
  label,
  sortKey,
  state,
  numeric = false,
}: {
  label: string;
  sortKey: EndpointSort;
  state: EndpointSortState;
  numeric?: boolean;
}) {
  const active = state.sort === sortKey;
  return (
    <th
      className={numeric ? 'num' : undefined}
      aria-sort={active ? (state.descending ? 'descending' : 'ascending') : 'none'}
    >
      <button
        type="button"
        className="sort-button"
        data-testid={`sort-${sortKey}`}
        onClick={() => state.onSort(sortKey)}
      >
        {label}
        <span className="sort-arrow">{active ? (state.descending ? '▼' : '▲') : ''}</span>
      </button>
    </th>
  );
}

/**
 * The endpoints of a collection as a virtual table (CSS grid rows, absolutely placed): only the rows on
 * screen are in the DOM and only their pages are fetched, so 10,000 endpoints cost what 30 do.
 */
export function EndpointTable({ rows, sorting }: { rows: EndpointRows; sorting: EndpointSortState }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = rows.total ?? 0;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (count > 0) rows.show(first, last);
  }, [rows, first, last, count]);
  // Other filters, other list: start it from the top.
  useEffect(() => {
    if (scrollRef.current !== null && rows !== undefined) scrollRef.current.scrollTop = 0;
  }, [rows]);

  return (
    <div ref={scrollRef} className="ep-scroll" data-testid="endpoint-scroll">
      <table className="ep-table" aria-rowcount={count + 1}>
        <thead className="ep-thead">
          <tr className="ep-row ep-head">
            <th>Method</th>
            <SortHeader label="Path" sortKey="path" state={sorting} />
            <th>Auth</th>
            <th>Sensitive</th>
            <th>Status codes</th>
            <SortHeader label="Calls" sortKey="calls" state={sorting} numeric />
            {PERFORMANCE_COLUMNS.map((c) => (
              <SortHeader key={c.key} label={c.label} sortKey={c.key} state={sorting} numeric />
            ))}
            <th>Last seen</th>
            <th>Discovered</th>
          </tr>
        </thead>
        <tbody className="ep-tbody" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const endpoint = rows.rowAt(item.index);
            const style = { height: ROW_HEIGHT, transform: `translateY(${item.start}px)` };
            if (endpoint === undefined) {
              return (
                <tr key={item.key} className="ep-row" style={style} data-testid="endpoint-row-loading">
                  <td className="muted ep-loading">Loading…</td>
                </tr>
              );
            }
            return (
              <tr
                key={item.key}
                className="ep-row"
                style={style}
                aria-rowindex={item.index + 2}
                data-testid="endpoint-row"
              >
                <td>
                  <MethodBadge method={endpoint.method} />
                </td>
                <td className="ep-path">
                  <Link to={endpointUrl(endpoint.id)} title={endpoint.path}>
                    {endpoint.path}
                  </Link>
                </td>
                <td>
                  <AuthBadges types={endpoint.authTypes} />
                </td>
                <td>
                  <SensitiveBadges classes={endpoint.sensitive} />
                </td>
                <td>
                  <StatusCodes codes={endpoint.statusCodes} />
                </td>
                <td className="num">{formatNumber(endpoint.calls)}</td>
                <PerformanceCells performance={endpoint.performance} />
                <td title={formatDateTime(endpoint.lastSeen)}>{formatAgo(endpoint.lastSeen)}</td>
                <td title={endpoint.firstSeen}>{formatDateTime(endpoint.firstSeen)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
