import {
  Kysely,
  type MigrationResultSet,
  Migrator,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
} from 'kysely';
import type pg from 'pg';
import { StorePostgresError, StorePostgresErrorCode } from './errors.js';
import { migrationProvider } from './migrations/index.js';

/** The advisory lock `pg_advisory_lock(namespace, key)` held around migrations: 'tapl', 1. */
export const MIGRATION_LOCK = Object.freeze({ namespace: 0x7461706c, key: 1 });
const LOCK = [MIGRATION_LOCK.namespace, MIGRATION_LOCK.key];

/**
 * The lock session as a pool of one for Kysely: the migrations run on the session that holds the lock,
 * so a pool of a single connection migrates too. Lent to one user at a time.
 */
function sessionAsPool(session: pg.PoolClient): PostgresPool {
  let free: Promise<void> = Promise.resolve();
  return {
    async connect() {
      let release: () => void = () => {};
      const previous = free;
      free = new Promise<void>((resolve) => {
        release = resolve;
      });
      await previous;
      return {
        query: ((...args: Parameters<pg.PoolClient['query']>) =>
          session.query(...args)) as unknown as PostgresPoolClient['query'],
        release: () => release(),
      };
    },
    end: async () => {},
  };
}

/**
 * Brings the schema to the latest version. Several processes starting at once queue on one advisory
 * lock, held on its own session around the whole run: Kysely's migrator creates its bookkeeping tables
 * before taking its own lock, and concurrent `CREATE TABLE IF NOT EXISTS` can fail in PostgreSQL.
 */
export async function migrateToLatest(pool: pg.Pool): Promise<MigrationResultSet> {
  const lockSession = await pool.connect();
  // Not destroyed here: it only lends the lock session, which is released below.
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: sessionAsPool(lockSession) }) });
  try {
    await lockSession.query('SELECT pg_advisory_lock($1, $2)', LOCK);
    const result = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
    if (result.error !== undefined) {
      const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new StorePostgresError(
        StorePostgresErrorCode.Migration,
        `schema migration ${failed} failed: ${String(result.error)}`,
        { cause: result.error },
      );
    }
    return result;
  } finally {
    await lockSession.query('SELECT pg_advisory_unlock($1, $2)', LOCK).catch(() => {});
    lockSession.release();
  }
}
