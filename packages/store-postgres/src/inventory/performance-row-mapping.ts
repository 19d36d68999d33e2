import type {
  CollectionPerformanceRow,
  EndpointFunctionsRow,
  EndpointPerformanceRow,
  HourlyPerformanceRow,
  PerformanceFigures,
} from '@tapline/inventory';
import type { Selectable } from 'kysely';
import type { FigureColumns, InventoryTables } from './inventory-schema.js';

type T = InventoryTables;

function figuresFromDb(row: FigureColumns): PerformanceFigures {
  return {
    invocations: row.invocations,
    errors: row.errors,
    timeouts: row.timeouts,
    coldStarts: row.cold_starts,
    p50Ms: row.p50_ms,
    p95Ms: row.p95_ms,
    p99Ms: row.p99_ms,
    // pg hands back a Buffer: a Uint8Array view of the same bytes, as the SQLite store gives.
    sketch: new Uint8Array(row.sketch.buffer, row.sketch.byteOffset, row.sketch.byteLength),
  };
}

export function endpointPerformanceFromDb(
  row: Selectable<T['tapline_endpoint_performance']>,
): EndpointPerformanceRow {
  return { endpointId: row.endpoint_id, newestHour: row.newest_hour, ...figuresFromDb(row) };
}

export function hourlyPerformanceFromDb(
  row: Selectable<T['tapline_endpoint_performance_hourly']>,
): HourlyPerformanceRow {
  return { endpointId: row.endpoint_id, hour: row.hour, ...figuresFromDb(row) };
}

export function collectionPerformanceFromDb(
  row: Selectable<T['tapline_collection_performance']>,
): CollectionPerformanceRow {
  return { collectionId: row.collection_id, ...figuresFromDb(row) };
}

export function functionsFromDb(row: Selectable<T['tapline_endpoint_functions']>): EndpointFunctionsRow {
  return { endpointId: row.endpoint_id, functions: row.functions, otherCalls: row.other_calls };
}
