import type { InventoryChanges, InventoryPart, InventorySnapshot } from '@tapline/inventory';
import type { InventoryStore } from '@tapline/server';
import { type Kysely, sql } from 'kysely';
import { connectPostgres, type PostgresConnection, type PostgresOptions } from '../connection.js';
import { migrateToLatest } from '../migrate.js';
import type { InventoryTables } from './inventory-schema.js';
import { loadCollections } from './load-inventory.js';
import {
  collectionFromDb,
  endpointFromDb,
  hourlyFromDb,
  parameterFromDb,
  samplesFromDb,
} from './row-mapping.js';
import { writeInventoryChanges } from './write-inventory-changes.js';

/** The key of the store's own checkpoint in `tapline_inventory_meta` (a single engine over the whole log). */
export const INVENTORY_CHECKPOINT_KEY = 'checkpoint';

export interface PostgresStoreOptions extends PostgresOptions {
  /** Bring the schema to the latest version on open (default true; false on a read-only replica). */
  migrate?: boolean;
}

/** Connects and, unless told not to, migrates: what each PostgreSQL storage factory starts with. */
export async function openInventoryDatabase(
  options: PostgresStoreOptions,
): Promise<PostgresConnection<InventoryTables>> {
  const connection = await connectPostgres<InventoryTables>(options);
  try {
    if (options.migrate !== false) await migrateToLatest(connection.pool);
  } catch (error) {
    await connection.close();
    throw error;
  }
  return connection;
}

/** Counts and totals over the whole inventory (every partition's collections). */
export async function inventoryTotals(db: Kysely<InventoryTables>): Promise<{
  endpoints: number;
  isolated: number;
  overCap: { calls: number; values: number };
}> {
  const row = await sql<{ endpoints: number; isolated: number; calls: string; values: string }>`
    SELECT (SELECT count(*) FROM tapline_endpoints) AS endpoints,
      (SELECT count(*) FROM tapline_isolated_records) AS isolated,
      (SELECT coalesce(sum(calls_over_endpoint_cap), 0) FROM tapline_collections) AS calls,
      (SELECT coalesce(sum(values_over_parameter_cap), 0) FROM tapline_collections) AS values`.execute(db);
  const r = row.rows[0] as { endpoints: number; isolated: number; calls: string; values: string };
  return {
    endpoints: Number(r.endpoints),
    isolated: Number(r.isolated),
    overCap: { calls: Number(r.calls), values: Number(r.values) },
  };
}

/**
 * The inventory aggregates in PostgreSQL for one engine over the whole traffic log: `commit` is
 * `writeInventoryChanges` plus the store's checkpoint, in one transaction. Partition workers use
 * `writeInventoryChanges` and `loadCollections` directly, with the partition's checkpoint instead.
 */
export class PostgresInventoryStore implements InventoryStore {
  private constructor(private readonly connection: PostgresConnection<InventoryTables>) {}

  static async open(options: PostgresStoreOptions): Promise<PostgresInventoryStore> {
    return new PostgresInventoryStore(await openInventoryDatabase(options));
  }

  private get db(): Kysely<InventoryTables> {
    return this.connection.db;
  }

  async commit(changes: InventoryChanges): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await writeInventoryChanges(trx, changes);
      await trx
        .insertInto('tapline_inventory_meta')
        .values({ key: INVENTORY_CHECKPOINT_KEY, value: changes.checkpoint })
        .onConflict((c) => c.column('key').doUpdateSet({ value: changes.checkpoint }))
        .execute();
    });
  }

  async checkpoint(): Promise<number> {
    const row = await this.db
      .selectFrom('tapline_inventory_meta')
      .select('value')
      .where('key', '=', INVENTORY_CHECKPOINT_KEY)
      .executeTakeFirst();
    return row?.value ?? 0;
  }

  loadCollections(collectionIds: readonly string[]): Promise<InventoryPart> {
    return loadCollections(this.db, collectionIds);
  }

  async loadSnapshot(): Promise<InventorySnapshot> {
    return this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        const checkpoint = await trx
          .selectFrom('tapline_inventory_meta')
          .select('value')
          .where('key', '=', INVENTORY_CHECKPOINT_KEY)
          .executeTakeFirst();
        const collections = await trx.selectFrom('tapline_collections').selectAll().execute();
        const endpoints = await trx.selectFrom('tapline_endpoints').selectAll().execute();
        const parameters = await trx.selectFrom('tapline_parameters').selectAll().execute();
        const samples = await trx.selectFrom('tapline_samples').selectAll().orderBy('endpoint_id').execute();
        const hourly = await trx.selectFrom('tapline_hourly').selectAll().execute();
        return {
          checkpoint: checkpoint?.value ?? 0,
          collections: collections.map(collectionFromDb),
          endpoints: endpoints.map(endpointFromDb),
          parameters: parameters.map(parameterFromDb),
          samples: samples.flatMap(samplesFromDb),
          hourly: hourly.map(hourlyFromDb),
        };
      });
  }

  async endpointCount(): Promise<number> {
    const row = await sql<{ n: number }>`SELECT count(*) AS n FROM tapline_endpoints`.execute(this.db);
    return Number(row.rows[0]?.n ?? 0);
  }

  async isolatedCount(): Promise<number> {
    const row = await sql<{ n: number }>`SELECT count(*) AS n FROM tapline_isolated_records`.execute(this.db);
    return Number(row.rows[0]?.n ?? 0);
  }

  async overCapTotals(): Promise<{ calls: number; values: number }> {
    const row = await sql<{ calls: string; values: string }>`
      SELECT coalesce(sum(calls_over_endpoint_cap), 0) AS calls,
        coalesce(sum(values_over_parameter_cap), 0) AS values FROM tapline_collections`.execute(this.db);
    return { calls: Number(row.rows[0]?.calls ?? 0), values: Number(row.rows[0]?.values ?? 0) };
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
