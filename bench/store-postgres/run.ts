/**
 * Commit throughput of the PostgreSQL inventory store against the embedded SQLite store (baseline,
 * same run, same changes), and against committing the same rows one statement per row (what batching
 * saves). The engine's changes are computed once up front; only the commits are timed.
 * Traffic: BENCH_COLLECTIONS × BENCH_ENDPOINTS endpoints, each called BENCH_CALLS times, committed every
 * BENCH_COMMIT records (a worker's commit window), so the first calls create rows and the rest update them.
 * Run: `npm run build && npx tsx bench/store-postgres/run.ts` (PostgreSQL on 127.0.0.1:5432; env above and BENCH_RUNS).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TrafficRecord } from '@tapline/contracts';
import { type InventoryChanges, InventoryEngine, type LoggedRecord } from '@tapline/inventory';
import { sqliteStorage } from '@tapline/server';
import { connectPostgres, PostgresInventoryStore } from '@tapline/store-postgres';
import { trafficRecord } from '@tapline/testkit';
import pg from 'pg';

const COLLECTIONS = Number(process.env.BENCH_COLLECTIONS ?? 40);
const ENDPOINTS = Number(process.env.BENCH_ENDPOINTS ?? 25);
const CALLS = Number(process.env.BENCH_CALLS ?? 4);
const COMMIT = Number(process.env.BENCH_COMMIT ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;

/** Endpoint k of a collection: `/svc<a>/op<b>/<id>` with body fields of its own (no sibling merging). */
function record(collection: number, k: number, n: number): TrafficRecord {
  const method = METHODS[k % METHODS.length] as string;
  const id = 1000 + ((n * 7919) % 100_000);
  return trafficRecord({
    method,
    path: `/svc${k % 7}/op${Math.floor(k / 7)}/${id}?page=${id % 5}`,
    requestHeaders: {
      host: `fn${collection}.bench.example.com`,
      'content-type': 'application/json',
      authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
      'x-request-id': `req-${n}`,
    },
    requestPayload: method === 'GET' ? '' : JSON.stringify({ [`in${k}`]: n, note: 'hello' }),
    responsePayload: JSON.stringify({
      id,
      [`out${k}`]: `value-${n}`,
      email: `user${n % 1000}@example.com`,
      items: [{ sku: `sku-${n % 50}`, qty: (n % 3) + 1 }],
    }),
    time: 1_795_515_302 + n * 5,
  });
}

/** The change sets a worker would commit, one per commit window. */
function changeSets(): { sets: InventoryChanges[]; records: number; rows: number } {
  const engine = new InventoryEngine();
  const sets: InventoryChanges[] = [];
  let batch: LoggedRecord[] = [];
  let seq = 0;
  for (let call = 0; call < CALLS; call++)
    for (let c = 0; c < COLLECTIONS; c++)
      for (let k = 0; k < ENDPOINTS; k++) {
        seq += 1;
        batch.push({ seq, record: record(c, k, seq) });
        if (batch.length === COMMIT) {
          engine.apply(batch);
          sets.push(engine.takeChanges());
          batch = [];
        }
      }
  if (batch.length > 0) {
    engine.apply(batch);
    sets.push(engine.takeChanges());
  }
  const rows = sets.reduce(
    (n, s) =>
      n +
      s.collections.length +
      s.endpoints.length +
      s.parameters.length +
      s.hourly.length +
      s.samples.length,
    0,
  );
  return { sets, records: seq, rows };
}

async function withDatabase<T>(run: (url: string) => Promise<T>): Promise<T> {
  const name = `tapline_bench_${process.pid}_${Math.floor(performance.now())}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    return await run(ADMIN_URL.replace(/\/[^/]*$/, `/${name}`));
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

type Committer = { commit(changes: InventoryChanges): Promise<void>; close(): Promise<void> };

async function timeCommits(open: () => Promise<Committer>, sets: InventoryChanges[]): Promise<number> {
  const store = await open();
  try {
    const start = performance.now();
    for (const changes of sets) await store.commit(changes);
    return (performance.now() - start) / 1000;
  } finally {
    await store.close();
  }
}

/** The same rows, one `INSERT … ON CONFLICT DO UPDATE` per row, in one transaction per commit. */
async function rowByRow(url: string): Promise<Committer> {
  const store = await PostgresInventoryStore.open({ url }); // migrates
  await store.close();
  const connection = await connectPostgres({ url, maxConnections: 1 });
  const upsert = (table: string, keys: string[], values: Record<string, unknown>) => {
    const columns = Object.keys(values);
    const sets = columns.filter((c) => !keys.includes(c)).map((c) => `${c} = EXCLUDED.${c}`);
    return [
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})
       ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${sets.join(', ')}`,
      Object.values(values),
    ] as const;
  };
  return {
    async commit(changes) {
      const client = await connection.pool.connect();
      try {
        await client.query('BEGIN');
        const run = (q: readonly [string, unknown[]]) => client.query(q[0], q[1]);
        for (const r of changes.collections)
          await run(
            upsert('tapline_collections', ['id'], {
              id: r.id,
              name: r.name,
              host: r.host,
              tags: JSON.stringify(r.tags),
              first_seen: r.firstSeen,
              last_seen: r.lastSeen,
              calls_over_endpoint_cap: r.callsOverEndpointCap,
              values_over_parameter_cap: r.valuesOverParameterCap,
            }),
          );
        for (const r of changes.endpoints)
          await run(
            upsert('tapline_endpoints', ['id'], {
              id: r.id,
              collection_id: r.collectionId,
              method: r.method,
              path: r.path,
              auth_types: r.authTypes,
              sensitive: r.sensitive,
              status_codes: r.statusCodes,
              calls: r.calls,
              first_seen: r.firstSeen,
              last_seen: r.lastSeen,
              graphql: r.graphql === undefined ? null : JSON.stringify(r.graphql),
            }),
          );
        for (const r of changes.parameters)
          await run(
            upsert('tapline_parameters', ['id'], {
              id: r.id,
              endpoint_id: r.endpointId,
              location: r.location,
              status: r.status,
              in_: r.in,
              name: r.name,
              types: r.types,
              sensitive: r.sensitive,
              first_seen: r.firstSeen,
              last_seen: r.lastSeen,
              count: r.count,
              examples: JSON.stringify(r.examples),
            }),
          );
        for (const r of changes.hourly)
          await run(
            upsert('tapline_hourly', ['endpoint_id', 'hour'], {
              endpoint_id: r.endpointId,
              hour: r.hour,
              calls: r.calls,
            }),
          );
        for (const r of changes.samples)
          await run(
            upsert('tapline_samples', ['endpoint_id'], {
              endpoint_id: r.endpointId,
              samples: JSON.stringify(r.samples),
            }),
          );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => connection.close(),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const { sets, records, rows } = changeSets();
const seconds: Record<'sqlite' | 'postgres' | 'postgresRowByRow', number[]> = {
  sqlite: [],
  postgres: [],
  postgresRowByRow: [],
};
for (let run = 0; run < RUNS; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-bench-pg-'));
  try {
    seconds.sqlite.push(
      await timeCommits(() => sqliteStorage.factories.inventoryStore({ dataDir: dir, sync: 'full' }), sets),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  seconds.postgres.push(
    await withDatabase((url) => timeCommits(() => PostgresInventoryStore.open({ url }), sets)),
  );
  seconds.postgresRowByRow.push(await withDatabase((url) => timeCommits(() => rowByRow(url), sets)));
}
const result = Object.fromEntries(
  Object.entries(seconds).map(([name, xs]) => [
    name,
    {
      medianSeconds: Number(median(xs).toFixed(3)),
      recordsPerSecond: Math.round(records / median(xs)),
      rowsPerSecond: Math.round(rows / median(xs)),
    },
  ]),
);
process.stdout.write(
  `${JSON.stringify(
    {
      records,
      rowsWritten: rows,
      commits: sets.length,
      endpoints: COLLECTIONS * ENDPOINTS,
      runs: RUNS,
      ...result,
      postgresVsSqlite: Number((median(seconds.sqlite) / median(seconds.postgres)).toFixed(2)),
      batchedVsRowByRow: Number((median(seconds.postgresRowByRow) / median(seconds.postgres)).toFixed(2)),
    },
    null,
    2,
  )}\n`,
);
