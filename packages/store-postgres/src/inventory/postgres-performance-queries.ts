import type { PerformanceSummary } from '@tapline/inventory';
import {
  type EndpointDetail,
  type EndpointFilter,
  SUMMARY_COLUMNS_OF_P,
  type SummaryColumns,
  summaryFromDb,
} from '@tapline/server';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { InventoryTables } from './inventory-schema.js';

type EndpointListing = EndpointDetail['endpoint'];
type HourlyPerformance = EndpointDetail['hourlyPerformance'][number];
type SortKey = NonNullable<EndpointFilter['sort']>;

/** The summary columns (no sketch) of a performance table, under the alias `p`. */
const SUMMARY = sql.raw(SUMMARY_COLUMNS_OF_P.join(', '));

/** The performance sort keys over a performance table `p` (an endpoint's or a collection's). */
export const PERFORMANCE_SORT_EXPRESSIONS: Record<Exclude<SortKey, 'path' | 'calls'>, string> = {
  invocations: 'p.invocations',
  p50Ms: 'p.p50_ms',
  p95Ms: 'p.p95_ms',
  p99Ms: 'p.p99_ms',
  errorRate: 'p.errors::double precision / NULLIF(p.invocations, 0)',
  coldStartRate: 'p.cold_starts::double precision / NULLIF(p.invocations, 0)',
};

/**
 * ORDER BY for an endpoint listing over `tapline_endpoints e LEFT JOIN tapline_endpoint_performance p`
 * (keys whitelisted), in the SQLite store's order: by calls, or by a performance figure with the
 * endpoints without performance last, NULL the smallest value; ties by path and method.
 */
export function endpointOrder(sort: SortKey = 'path', order?: EndpointFilter['order']): RawBuilder<unknown> {
  const asc = (order ?? (sort === 'path' ? 'asc' : 'desc')) === 'asc';
  const direction = asc ? 'ASC' : 'DESC';
  if (sort === 'path') return sql.raw(`e.path ${direction}, e.method ${direction}`);
  if (sort === 'calls') return sql.raw(`e.calls ${direction}, e.path, e.method`);
  const nulls = asc ? 'NULLS FIRST' : 'NULLS LAST';
  return sql.raw(
    `(p.invocations IS NULL), ${PERFORMANCE_SORT_EXPRESSIONS[sort]} ${direction} ${nulls}, e.path, e.method`,
  );
}

export type EndpointExtras = Pick<EndpointListing, 'performance' | 'functions' | 'otherFunctionCalls'>;

/** Performance and functions of the given endpoints, by endpoint id. */
export async function endpointExtras(
  db: Kysely<InventoryTables>,
  ids: readonly string[],
): Promise<Map<string, EndpointExtras>> {
  const out = new Map<string, EndpointExtras>();
  if (ids.length === 0) return out;
  const list = [...ids];
  const performance = await sql<SummaryColumns & { endpoint_id: string }>`
    SELECT p.endpoint_id, ${SUMMARY} FROM tapline_endpoint_performance p
    WHERE p.endpoint_id = ANY(${list}::text[])`.execute(db);
  const functions = await db
    .selectFrom('tapline_endpoint_functions')
    .selectAll()
    .where('endpoint_id', '=', (e) => e.fn.any(e.val(list)))
    .execute();
  for (const id of ids) out.set(id, { performance: null, functions: [], otherFunctionCalls: 0 });
  for (const row of performance.rows) {
    const entry = out.get(row.endpoint_id);
    if (entry !== undefined) entry.performance = summaryFromDb(row);
  }
  for (const row of functions) {
    const entry = out.get(row.endpoint_id);
    if (entry === undefined) continue;
    entry.functions = row.functions;
    entry.otherFunctionCalls = row.other_calls;
  }
  return out;
}

export async function hourlyPerformance(
  db: Kysely<InventoryTables>,
  endpointId: string,
): Promise<HourlyPerformance[]> {
  const rows = await sql<SummaryColumns & { hour: number }>`
    SELECT p.hour, ${SUMMARY} FROM tapline_endpoint_performance_hourly p
    WHERE p.endpoint_id = ${endpointId} ORDER BY p.hour`.execute(db);
  return rows.rows.map((row) => ({ hour: row.hour, ...(summaryFromDb(row) as PerformanceSummary) }));
}
