import { type Kysely, sql } from 'kysely';

/**
 * The inventory aggregates. Ids and text that is sorted or searched (`name`, `path`, `method`,
 * parameter keys) use the "C" collation: ordering is by code point and `lower()` folds ASCII only,
 * exactly as in the embedded SQLite store, whatever the database's locale; the indexes serve those
 * orderings, and comparing bytes is cheaper than a locale's rules.
 * JSON values use `json`, not `jsonb`, so objects come back with their keys in the order they were
 * written. Tables rewritten by every commit leave room on each page (fillfactor) so most updates stay
 * on their page without touching the indexes (HOT updates).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE tapline_inventory_meta (key text PRIMARY KEY, value bigint NOT NULL)`.execute(db);
  await sql`CREATE TABLE tapline_collections (
    id text COLLATE "C" PRIMARY KEY,
    name text COLLATE "C" NOT NULL,
    host text,
    tags json NOT NULL,
    first_seen bigint NOT NULL,
    last_seen bigint NOT NULL,
    calls_over_endpoint_cap bigint NOT NULL DEFAULT 0,
    values_over_parameter_cap bigint NOT NULL DEFAULT 0
  ) WITH (fillfactor = 90)`.execute(db);
  await sql`CREATE TABLE tapline_endpoints (
    id text COLLATE "C" PRIMARY KEY,
    collection_id text COLLATE "C" NOT NULL,
    method text COLLATE "C" NOT NULL,
    path text COLLATE "C" NOT NULL,
    auth_types text[] NOT NULL,
    sensitive text[] NOT NULL,
    status_codes integer[] NOT NULL,
    calls bigint NOT NULL,
    first_seen bigint NOT NULL,
    last_seen bigint NOT NULL,
    graphql json
  ) WITH (fillfactor = 80)`.execute(db);
  await sql`CREATE INDEX tapline_endpoints_by_collection ON tapline_endpoints (collection_id, path, method)`.execute(
    db,
  );
  await sql`CREATE TABLE tapline_parameters (
    id text COLLATE "C" PRIMARY KEY,
    endpoint_id text COLLATE "C" NOT NULL,
    location text COLLATE "C" NOT NULL,
    status integer,
    in_ text COLLATE "C" NOT NULL,
    name text COLLATE "C" NOT NULL,
    types text[] NOT NULL,
    sensitive text[] NOT NULL,
    first_seen bigint NOT NULL,
    last_seen bigint NOT NULL,
    count bigint NOT NULL,
    examples json NOT NULL
  ) WITH (fillfactor = 80)`.execute(db);
  await sql`CREATE INDEX tapline_parameters_by_endpoint ON tapline_parameters (endpoint_id)`.execute(db);
  await sql`CREATE TABLE tapline_samples (endpoint_id text COLLATE "C" PRIMARY KEY, samples json NOT NULL)`.execute(
    db,
  );
  await sql`CREATE TABLE tapline_hourly (
    endpoint_id text COLLATE "C" NOT NULL,
    hour bigint NOT NULL,
    calls bigint NOT NULL,
    PRIMARY KEY (endpoint_id, hour)
  ) WITH (fillfactor = 80)`.execute(db);
  await sql`CREATE TABLE tapline_isolated_records (
    seq bigint PRIMARY KEY,
    reason text NOT NULL,
    record json NOT NULL,
    isolated_at bigint NOT NULL
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'tapline_isolated_records',
    'tapline_hourly',
    'tapline_samples',
    'tapline_parameters',
    'tapline_endpoints',
    'tapline_collections',
    'tapline_inventory_meta',
  ])
    await db.schema.dropTable(table).execute();
}
