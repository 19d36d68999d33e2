import type {
  CollectionPerformanceRow,
  EndpointFunctionsRow,
  EndpointPerformanceRow,
  HourlyPerformanceRow,
} from '@tapline/inventory';
import { figuresFromDb } from '@tapline/server';
import type { Selectable } from 'kysely';
import type { InventoryTables } from './inventory-schema.js';

type T = InventoryTables;

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
