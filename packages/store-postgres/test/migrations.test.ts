import {
  connectPostgres,
  MIGRATION_LOCK,
  MIGRATIONS,
  migrateToLatest,
  parsePostgresUrl,
} from '@tapline/store-postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from './helpers/test-database.js';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(() => database.drop());

describe('connection', () => {
  it('refuses a URL that is not postgres://…/database, naming the flag', () => {
    expect(() => parsePostgresUrl('mysql://x/db', '--store')).toThrow(
      /--store="mysql:\/\/x\/db": expected postgres:/,
    );
    expect(() => parsePostgresUrl('postgres://127.0.0.1:5432', '--store')).toThrow(/expected postgres:/);
  });

  it('fails fast naming the database and the flag when it cannot connect', async () => {
    await expect(
      connectPostgres({ url: `postgres://postgres@127.0.0.1:5432/${database.name}_missing` }),
    ).rejects.toMatchObject({
      code: 'TAPLINE_STORE_POSTGRES_CONNECT',
      message: expect.stringMatching(/_missing.*--store \/ TAPLINE_STORE_URL/),
    });
  });
});

describe('migrateToLatest', () => {
  it('is safe when several processes start at once: one applies, the others find it done', async () => {
    const connections = await Promise.all(
      Array.from({ length: 5 }, () => connectPostgres({ url: database.url, maxConnections: 3 })),
    );
    try {
      const results = await Promise.all(connections.map((c) => migrateToLatest(c.pool)));
      const applied = results.flatMap((r) => r.results ?? []).filter((r) => r.status === 'Success');
      expect(applied.map((r) => r.migrationName)).toEqual(Object.keys(MIGRATIONS));
      const rows = await connections[0]!.pool.query('SELECT name FROM kysely_migration ORDER BY name');
      expect(rows.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));
      const tables = await connections[0]!.pool.query(
        "SELECT tablename FROM pg_tables WHERE tablename LIKE 'tapline_%' ORDER BY tablename",
      );
      expect(tables.rows.map((r) => r.tablename)).toEqual([
        'tapline_collections',
        'tapline_endpoints',
        'tapline_hourly',
        'tapline_inventory_meta',
        'tapline_isolated_records',
        'tapline_parameters',
        'tapline_partition_checkpoints',
        'tapline_partition_leases',
        'tapline_samples',
        'tapline_workers',
      ]);
      const again = await migrateToLatest(connections[1]!.pool);
      expect(again.results).toEqual([]);
    } finally {
      await Promise.all(connections.map((c) => c.close()));
    }
  });

  it('waits for the migration lock before touching the schema', async () => {
    const holder = await connectPostgres({ url: database.url, maxConnections: 1 });
    const starter = await connectPostgres({ url: database.url, maxConnections: 2 });
    try {
      const session = await holder.pool.connect();
      await session.query('SELECT pg_advisory_lock($1, $2)', [MIGRATION_LOCK.namespace, MIGRATION_LOCK.key]);
      let done = false;
      const run = migrateToLatest(starter.pool).then((r) => {
        done = true;
        return r;
      });
      await new Promise((r) => setTimeout(r, 400));
      expect(done).toBe(false);
      const tables = await session.query("SELECT 1 FROM pg_tables WHERE tablename = 'kysely_migration'");
      expect(tables.rowCount).toBe(0);
      await session.query('SELECT pg_advisory_unlock($1, $2)', [
        MIGRATION_LOCK.namespace,
        MIGRATION_LOCK.key,
      ]);
      session.release();
      expect((await run).error).toBeUndefined();
    } finally {
      await holder.close();
      await starter.close();
    }
  });
});
