import { type Kysely, sql } from 'kysely';

const FIGURES = `invocations bigint NOT NULL, errors bigint NOT NULL, timeouts bigint NOT NULL,
  cold_starts bigint NOT NULL, p50_ms double precision NOT NULL, p95_ms double precision NOT NULL,
  p99_ms double precision NOT NULL, sketch bytea NOT NULL`;

/**
 * How each endpoint performs (handler-duration sketches, counters) and which functions served it.
 * Rewritten by most commits, so pages keep room for in-place updates, as for the inventory's tables.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`CREATE TABLE tapline_endpoint_performance (
      endpoint_id text COLLATE "C" PRIMARY KEY, newest_hour bigint NOT NULL, ${FIGURES}
    ) WITH (fillfactor = 80)`)
    .execute(db);
  await sql
    .raw(`CREATE TABLE tapline_endpoint_performance_hourly (
      endpoint_id text COLLATE "C" NOT NULL, hour bigint NOT NULL, ${FIGURES}, PRIMARY KEY (endpoint_id, hour)
    ) WITH (fillfactor = 80)`)
    .execute(db);
  await sql
    .raw(`CREATE TABLE tapline_collection_performance (
      collection_id text COLLATE "C" PRIMARY KEY, ${FIGURES}
    ) WITH (fillfactor = 80)`)
    .execute(db);
  await sql`CREATE TABLE tapline_endpoint_functions (
    endpoint_id text COLLATE "C" PRIMARY KEY, functions json NOT NULL, other_calls bigint NOT NULL
  ) WITH (fillfactor = 80)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'tapline_endpoint_functions',
    'tapline_collection_performance',
    'tapline_endpoint_performance_hourly',
    'tapline_endpoint_performance',
  ])
    await db.schema.dropTable(table).execute();
}
