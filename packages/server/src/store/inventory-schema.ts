import { type Kysely, sql } from 'kysely';

/** JSON columns hold arrays/objects serialised with JSON.stringify. Times are epoch seconds. */
export interface InventoryDatabase {
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
  parameters: {
    id: string;
    endpoint_id: string;
    location: string;
    status: number | null;
    in_: string;
    name: string;
    types: string;
    sensitive: string;
    first_seen: number;
    last_seen: number;
    count: number;
    examples: string;
  };
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
  sql`CREATE TABLE IF NOT EXISTS parameters (
    id TEXT PRIMARY KEY, endpoint_id TEXT NOT NULL, location TEXT NOT NULL, status INTEGER, in_ TEXT NOT NULL,
    name TEXT NOT NULL, types TEXT NOT NULL, sensitive TEXT NOT NULL, first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL, count INTEGER NOT NULL, examples TEXT NOT NULL)`,
  sql`CREATE INDEX IF NOT EXISTS parameters_by_endpoint ON parameters (endpoint_id)`,
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

export async function migrateInventory(db: Kysely<InventoryDatabase>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const statement of STATEMENTS) await statement.execute(trx);
    for (const { table, column, ddl } of ADDED_COLUMNS) {
      const columns = await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`.execute(trx);
      if (!columns.rows.some((row) => row.name === column)) {
        await sql.raw(`ALTER TABLE ${table} ADD COLUMN ${column} ${ddl}`).execute(trx);
      }
    }
  });
}
