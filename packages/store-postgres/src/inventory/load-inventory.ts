import type { InventoryPart } from '@tapline/inventory';
import type { Kysely, Transaction } from 'kysely';
import type { InventoryTables } from './inventory-schema.js';
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
  return {
    collections: collections.map(collectionFromDb),
    endpoints: endpoints.map(endpointFromDb),
    parameters: parameters.map(parameterFromDb),
    samples: samples.flatMap(samplesFromDb),
    hourly: hourly.map(hourlyFromDb),
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
    return { collections: [], endpoints: [], parameters: [], samples: [], hourly: [] };
  const k = db as unknown as Kysely<InventoryTables>;
  if (k.isTransaction) return readCollections(k, collectionIds);
  return k
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute((trx) => readCollections(trx, collectionIds));
}
