import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { StorePostgresError, StorePostgresErrorCode } from './errors.js';

export interface PostgresOptions {
  /** `postgres://user@host:port/database`; usually from `--store` / `TAPLINE_STORE_URL`. */
  url: string;
  /** Where the URL came from, for messages (e.g. `--store`). */
  source?: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  applicationName?: string;
}

export interface PostgresConnection<DB> {
  db: Kysely<DB>;
  pool: pg.Pool;
  /** The database name, for messages. */
  database: string;
  close(): Promise<void>;
}

const INT8_OID = 20;

/**
 * `bigint` columns (stream sequences, epochs) come back as numbers: they stay far below 2^53, and
 * the engine's seqs are numbers.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Parses and checks a PostgreSQL URL; throws naming `source` when it is not one. */
export function parsePostgresUrl(url: string, source = '--store'): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new StorePostgresError(
      StorePostgresErrorCode.Config,
      `${source}=${JSON.stringify(url)}: expected postgres://user@host:port/database`,
      { cause },
    );
  }
  if (!['postgres:', 'postgresql:'].includes(parsed.protocol) || parsed.pathname.length <= 1)
    throw new StorePostgresError(
      StorePostgresErrorCode.Config,
      `${source}=${JSON.stringify(url)}: expected postgres://user@host:port/database`,
    );
  return parsed;
}

/** A pool and a Kysely instance over it; checks the database answers before returning. */
export async function connectPostgres<DB>(options: PostgresOptions): Promise<PostgresConnection<DB>> {
  const source = options.source ?? '--store';
  const url = parsePostgresUrl(options.url, source);
  const database = decodeURIComponent(url.pathname.slice(1));
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'tapline',
    types,
  });
  // An idle client losing its server (restart, failover) must not crash the process: the pool drops it.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (cause) {
    await pool.end();
    throw new StorePostgresError(
      StorePostgresErrorCode.Connect,
      `cannot reach PostgreSQL database ${JSON.stringify(database)} at ${url.host}: check ${source} / TAPLINE_STORE_URL (${(cause as Error).message})`,
      { cause },
    );
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, database, close: () => db.destroy() };
}
