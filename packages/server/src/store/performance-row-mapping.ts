import type {
  CollectionPerformanceRow,
  EndpointFunctionsRow,
  EndpointPerformanceRow,
  HourlyPerformanceRow,
  PerformanceFigures,
} from '@tapline/inventory';
import type { Selectable } from 'kysely';
import { figuresFromDb } from './performance-columns.js';
import type { PerformanceDatabase } from './performance-schema.js';

type Db = PerformanceDatabase;
type FiguresRow = Selectable<Db['collection_performance']>;

export const FIGURE_COLUMNS = [
  'invocations',
  'errors',
  'timeouts',
  'cold_starts',
  'p50_ms',
  'p95_ms',
  'p99_ms',
  'sketch',
] as const;

/** Figures in FIGURE_COLUMNS order, for positional statements. */
export function figureValues(r: PerformanceFigures): unknown[] {
  return [r.invocations, r.errors, r.timeouts, r.coldStarts, r.p50Ms, r.p95Ms, r.p99Ms, r.sketch];
}

export function endpointPerformanceFromDb(
  row: Selectable<Db['endpoint_performance']>,
): EndpointPerformanceRow {
  return { endpointId: row.endpoint_id, newestHour: row.newest_hour, ...figuresFromDb(row) };
}

export function hourlyPerformanceFromDb(
  row: Selectable<Db['endpoint_performance_hourly']>,
): HourlyPerformanceRow {
  return { endpointId: row.endpoint_id, hour: row.hour, ...figuresFromDb(row) };
}

export function collectionPerformanceFromDb(row: FiguresRow): CollectionPerformanceRow {
  return { collectionId: row.collection_id, ...figuresFromDb(row) };
}

export function functionsFromDb(row: Selectable<Db['endpoint_functions']>): EndpointFunctionsRow {
  return {
    endpointId: row.endpoint_id,
    functions: JSON.parse(row.functions) as EndpointFunctionsRow['functions'],
    otherCalls: row.other_calls,
  };
}
