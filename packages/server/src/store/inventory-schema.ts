import { type Kysely, sql } from 'kysely';
import { type CollectionCountsDatabase, migrateCollectionCounts } from './collection-counts.js';
import { migrateCounters } from './inventory-counters.js';
import { migratePerformance, type PerformanceDatabase } from './performance-schema.js';

/** JSON columns hold arrays/objects serialised with JSON.stringify. Times are epoch seconds. */
export interface InventoryDatabase extends PerformanceDatabase, CollectionCountsDatabase {
  /** The checkpoint and the totals of inventory-counters.ts. */
  meta: { key: string; value: number };
  collections: {
    id: string;
    name: string;
    host: string | null;
    tags: string;
    first_seen: number;
    last_seen: number;
    calls_over_endpoint_cap: number;
    values_over_parameter_cap: number;
  };
  endpoints: {
    id: string;
    collection_id: string;
    method: string;
    path: string;
    auth_types: string;
    sensitive: string;
    status_codes: string;
    calls: number;
    first_seen: number;
    last_seen: number;
    graphql: string | null;
    /** 1 for a route its trigger declared (kept out of the templating heuristics), else 0. */
    declared_route: number;
  };
  /**
   * An endpoint's parameters as one JSON array of tuples (row-mapping.ts): a call updates every parameter
   * it carries, so a commit writes one row per endpoint, not one per parameter. `sensitive_count` is how
   * many of them carry a sensitive class (the collection list sums it).
   */
  endpoint_parameters: { endpoint_id: string; parameters: string; sensitive_count: number };
  /** The endpoint's current samples as one JSON array: one row write per changed endpoint per commit. */
  samples: { endpoint_id: string; samples: string };
  hourly: { endpoint_id: string; hour: number; calls: number };
  /** Records set aside because applying them killed the engine thread (the record as JSON). */
  isolated_records: { seq: number; reason: string; record: string; isolated_at: number };
}

const STATEMENTS = [
  sql`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)`,
  sql`CREATE TABLE IF NOT EXISTS collections (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, host TEXT, tags TEXT NOT NULL,
    first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL)`,
  sql`CREATE TABLE IF NOT EXISTS endpoints (
    id TEXT PRIMARY KEY, collection_id TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL,
    auth_types TEXT NOT NULL, sensitive TEXT NOT NULL, status_codes TEXT NOT NULL, calls INTEGER NOT NULL,
    first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, graphql TEXT)`,
  sql`CREATE INDEX IF NOT EXISTS endpoints_by_collection ON endpoints (collection_id, path, method)`,
  sql`CREATE TABLE IF NOT EXISTS endpoint_parameters (
    endpoint_id TEXT PRIMARY KEY, parameters TEXT NOT NULL, sensitive_count INTEGER NOT NULL)`,
  sql`CREATE TABLE IF NOT EXISTS samples (endpoint_id TEXT PRIMARY KEY, samples TEXT NOT NULL)`,
  sql`CREATE TABLE IF NOT EXISTS hourly (
    endpoint_id TEXT NOT NULL, hour INTEGER NOT NULL, calls INTEGER NOT NULL, PRIMARY KEY (endpoint_id, hour))`,
  sql`CREATE TABLE IF NOT EXISTS isolated_records (
    seq INTEGER PRIMARY KEY, reason TEXT NOT NULL, record TEXT NOT NULL, isolated_at INTEGER NOT NULL)`,
];

/** Columns added after the first release: added to data directories created before them. */
const ADDED_COLUMNS = [
  { table: 'collections', column: 'calls_over_endpoint_cap', ddl: 'INTEGER NOT NULL DEFAULT 0' },
  { table: 'collections', column: 'values_over_parameter_cap', ddl: 'INTEGER NOT NULL DEFAULT 0' },
  { table: 'endpoints', column: 'declared_route', ddl: 'INTEGER NOT NULL DEFAULT 0' },
] as const;

/**
 * Data directories from before `endpoint_parameters` kept one row per parameter in `parameters`: their
 * rows are folded into one row per endpoint (the same tuples row-mapping.ts writes) and the table dropped.
 */
const FOLD_PARAMETER_ROWS = sql`INSERT INTO endpoint_parameters (endpoint_id, parameters, sensitive_count)
  SELECT endpoint_id,
    json_group_array(json_array(id, location, status, in_, name, json(types), json(sensitive), first_seen,
      last_seen, count, json(examples))),
    sum(sensitive != '[]')
  FROM parameters GROUP BY endpoint_id`;

/**
 * Creates and upgrades the schema. BEGIN IMMEDIATE: the engine's and the queries' connections may migrate
 * at the same moment, and a deferred transaction that read the old schema could not upgrade to write.
 */
export async function migrateInventory(db: Kysely<InventoryDatabase>): Promise<void> {
  // One connection (Kysely's SQLite driver): these statements run in order on it.
  await sql`BEGIN IMMEDIATE`.execute(db);
  try {
    for (const statement of STATEMENTS) await statement.execute(db);
    await migratePerformance(db);
    for (const { table, column, ddl } of ADDED_COLUMNS) {
      const columns = await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`.execute(db);
      if (!columns.rows.some((row) => row.name === column)) {
        await sql.raw(`ALTER TABLE ${table} ADD COLUMN ${column} ${ddl}`).execute(db);
      }
    }
    const legacy = await sql<{ n: number }>`
      SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'parameters'`.execute(db);
    if (Number(legacy.rows[0]?.n ?? 0) > 0) {
      await FOLD_PARAMETER_ROWS.execute(db);
      await sql`DROP TABLE parameters`.execute(db);
    }
    await migrateCounters(db);
    await migrateCollectionCounts(db);
    await sql`COMMIT`.execute(db);
  } catch (error) {
    await sql`ROLLBACK`.execute(db);
    throw error;
  }
}
