import {
  emptyPerformanceRows,
  type InventoryPart,
  PERFORMANCE_OPEN_HOURS,
  type PerformanceRows,
} from '@tapline/inventory';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { InventoryTables } from './inventory-schema.js';
import {
  collectionPerformanceFromDb,
  endpointPerformanceFromDb,
  functionsFromDb,
  hourlyPerformanceFromDb,
} from './performance-row-mapping.js';
import {
  collectionFromDb,
  endpointFromDb,
  hourlyFromDb,
  parameterFromDb,
  samplesFromDb,
} from './row-mapping.js';

async function readCollections(
  db: Kysely<InventoryTables>,
  collectionIds: readonly string[],
): Promise<InventoryPart> {
  const ids = [...collectionIds];
  const ofEndpoints = (eb: Kysely<InventoryTables>) =>
    eb
      .selectFrom('tapline_endpoints')
      .select('id')
      .where('collection_id', '=', (e) => e.fn.any(e.val(ids)));
  const collections = await db
    .selectFrom('tapline_collections')
    .selectAll()
    .where('id', '=', (e) => e.fn.any(e.val(ids)))
    .execute();
  const endpoints = await db
    .selectFrom('tapline_endpoints')
    .selectAll()
    .where('collection_id', '=', (e) => e.fn.any(e.val(ids)))
    .execute();
  const parameters = await db
    .selectFrom('tapline_parameters')
    .selectAll()
    .where('endpoint_id', 'in', ofEndpoints(db))
    .execute();
  const samples = await db
    .selectFrom('tapline_samples')
    .selectAll()
    .where('endpoint_id', 'in', ofEndpoints(db))
    .execute();
  const hourly = await db
    .selectFrom('tapline_hourly')
    .selectAll()
    .where('endpoint_id', 'in', ofEndpoints(db))
    .execute();
  const endpointPerformance = await db
    .selectFrom('tapline_endpoint_performance')
    .selectAll()
    .where('endpoint_id', 'in', ofEndpoints(db))
    .execute();
  // Only the hours still open to new records (what the engine keeps); older ones are final.
  const hourlyPerformance = await db
    .selectFrom('tapline_endpoint_performance_hourly as h')
    .innerJoin('tapline_endpoint_performance as p', 'p.endpoint_id', 'h.endpoint_id')
    .selectAll('h')
    .where('h.endpoint_id', 'in', ofEndpoints(db))
    .where(sql<boolean>`h.hour > p.newest_hour - ${PERFORMANCE_OPEN_HOURS * 3600}`)
    .execute();
  const collectionPerformance = await db
    .selectFrom('tapline_collection_performance')
    .selectAll()
    .where('collection_id', '=', (e) => e.fn.any(e.val(ids)))
    .execute();
  const functions = await db
    .selectFrom('tapline_endpoint_functions')
    .selectAll()
    .where('endpoint_id', 'in', ofEndpoints(db))
    .execute();
  return {
    collections: collections.map(collectionFromDb),
    endpoints: endpoints.map(endpointFromDb),
    parameters: parameters.map(parameterFromDb),
    samples: samples.flatMap(samplesFromDb),
    hourly: hourly.map(hourlyFromDb),
    performance: {
      endpoints: endpointPerformance.map(endpointPerformanceFromDb),
      hourly: hourlyPerformance.map(hourlyPerformanceFromDb),
      collections: collectionPerformance.map(collectionPerformanceFromDb),
      functions: functions.map(functionsFromDb),
    },
  };
}

/** Every performance and function row, every hour included (what a snapshot holds). */
export async function loadAllPerformance<DB>(db: Kysely<DB> | Transaction<DB>): Promise<PerformanceRows> {
  const k = db as unknown as Kysely<InventoryTables>;
  const endpoints = await k.selectFrom('tapline_endpoint_performance').selectAll().execute();
  const hourly = await k.selectFrom('tapline_endpoint_performance_hourly').selectAll().execute();
  const collections = await k.selectFrom('tapline_collection_performance').selectAll().execute();
  const functions = await k.selectFrom('tapline_endpoint_functions').selectAll().execute();
  return {
    endpoints: endpoints.map(endpointPerformanceFromDb),
    hourly: hourly.map(hourlyPerformanceFromDb),
    collections: collections.map(collectionPerformanceFromDb),
    functions: functions.map(functionsFromDb),
  };
}

/**
 * Every row of the given collections (ids not stored are left out): what an engine loading on demand
 * `admit`s. One query per table for all ids. On a `Kysely` it reads in one repeatable-read snapshot, so
 * a collection's rows are from one commit; inside a transaction it reads in that transaction.
 */
export async function loadCollections<DB>(
  db: Kysely<DB> | Transaction<DB>,
  collectionIds: readonly string[],
): Promise<InventoryPart> {
  if (collectionIds.length === 0)
    return {
      collections: [],
      endpoints: [],
      parameters: [],
      samples: [],
      hourly: [],
      performance: emptyPerformanceRows(),
    };
  const k = db as unknown as Kysely<InventoryTables>;
  if (k.isTransaction) return readCollections(k, collectionIds);
  return k
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute((trx) => readCollections(trx, collectionIds));
}
