import type { EndpointSortKey, PerformanceSortKey, SortOrder } from '@tapline/contracts';
import type { PerformanceSummary } from '@tapline/inventory';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { InventoryDatabase } from '../store/inventory-schema.js';
import { SUMMARY_COLUMNS_OF_P, type SummaryColumns, summaryFromDb } from '../store/performance-columns.js';
import { functionsFromDb } from '../store/performance-row-mapping.js';
import type { EndpointListing, HourlyPerformance } from './inventory-queries.js';

/** The summary columns (no sketch) of a performance table, under the alias `p`. */
const SUMMARY = sql.raw(SUMMARY_COLUMNS_OF_P.join(', '));

/** The performance sort keys over a performance table `p` (an endpoint's or a collection's). */
export const PERFORMANCE_SORT_EXPRESSIONS: Record<PerformanceSortKey, string> = {
  invocations: 'p.invocations',
  p50Ms: 'p.p50_ms',
  p95Ms: 'p.p95_ms',
  p99Ms: 'p.p99_ms',
  errorRate: 'CAST(p.errors AS REAL) / p.invocations',
  coldStartRate: 'CAST(p.cold_starts AS REAL) / p.invocations',
};

/** ORDER BY for an endpoint listing over `endpoints e LEFT JOIN endpoint_performance p` (keys whitelisted). */
export function endpointOrder(sort: EndpointSortKey = 'path', order?: SortOrder): RawBuilder<unknown> {
  const direction = (order ?? (sort === 'path' ? 'asc' : 'desc')) === 'asc' ? 'ASC' : 'DESC';
  if (sort === 'path') return sql.raw(`e.path ${direction}, e.method ${direction}`);
  if (sort === 'calls') return sql.raw(`e.calls ${direction}, e.path, e.method`);
  const expression = PERFORMANCE_SORT_EXPRESSIONS[sort];
  // Endpoints without performance last, whichever the direction.
  return sql.raw(`(p.invocations IS NULL), ${expression} ${direction}, e.path, e.method`);
}

export type EndpointExtras = Pick<EndpointListing, 'performance' | 'functions' | 'otherFunctionCalls'>;

/** Performance and functions of the given endpoints, by endpoint id. */
export async function endpointExtras(
  db: Kysely<InventoryDatabase>,
  ids: readonly string[],
): Promise<Map<string, EndpointExtras>> {
  const out = new Map<string, EndpointExtras>();
  if (ids.length === 0) return out;
  const list = JSON.stringify(ids);
  const performance = await sql<SummaryColumns & { endpoint_id: string }>`
    SELECT p.endpoint_id, ${SUMMARY} FROM endpoint_performance p
    WHERE p.endpoint_id IN (SELECT value FROM json_each(${list}))`.execute(db);
  const functions = await db
    .selectFrom('endpoint_functions')
    .selectAll()
    .where(sql<boolean>`endpoint_id IN (SELECT value FROM json_each(${list}))`)
    .execute();
  for (const id of ids) out.set(id, { performance: null, functions: [], otherFunctionCalls: 0 });
  for (const row of performance.rows) {
    const entry = out.get(row.endpoint_id);
    if (entry !== undefined) entry.performance = summaryFromDb(row);
  }
  for (const row of functions) {
    const entry = out.get(row.endpoint_id);
    if (entry === undefined) continue;
    const parsed = functionsFromDb(row);
    entry.functions = parsed.functions;
    entry.otherFunctionCalls = parsed.otherCalls;
  }
  return out;
}

export async function hourlyPerformance(
  db: Kysely<InventoryDatabase>,
  endpointId: string,
): Promise<HourlyPerformance[]> {
  const rows = await sql<SummaryColumns & { hour: number }>`
    SELECT p.hour, ${SUMMARY} FROM endpoint_performance_hourly p
    WHERE p.endpoint_id = ${endpointId} ORDER BY p.hour`.execute(db);
  return rows.rows.map((row) => ({ hour: row.hour, ...(summaryFromDb(row) as PerformanceSummary) }));
}
