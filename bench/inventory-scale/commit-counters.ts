/**
 * What the triggers that keep the inventory's counts (inventory-counters.ts, collection-counts.ts) cost
 * the engine's commit: the scale bench's traffic through one in-memory engine, each batch's changes
 * committed into two fresh SQLite stores in turn, one as opened and one with the triggers dropped (the
 * commit as it was before them). Only `commit` is timed; alternating batch by batch gives both stores
 * the same machine load.
 *
 *   TSX_TSCONFIG_PATH=packages/server/tsx-sources.tsconfig.json npx tsx bench/inventory-scale/commit-counters.ts
 *
 * Env: BENCH_RECORDS (default 200,000), BENCH_COLLECTIONS (2,000), BENCH_ENDPOINTS (50),
 * BENCH_BATCH (records per commit, default 1,000). The engine keeps every collection in memory (no
 * eviction, so both stores get the same changes): past ~200,000 endpoints give node a larger heap
 * (NODE_OPTIONS=--max-old-space-size=8192).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWireRecord, type TrafficRecord } from '@tapline/contracts';
import { InventoryEngine, type LoggedRecord } from '@tapline/inventory';
import { sqliteStorage } from '@tapline/server';
import Database from 'better-sqlite3';
import { postBodies, type TrafficShape } from './traffic.js';

const shape: TrafficShape = {
  records: Number(process.env.BENCH_RECORDS ?? 200_000),
  collections: Number(process.env.BENCH_COLLECTIONS ?? 2_000),
  endpointsPerCollection: Number(process.env.BENCH_ENDPOINTS ?? 50),
  recordsPerPost: 50,
};
const BATCH = Number(process.env.BENCH_BATCH ?? 1_000);

/** The traffic in batches of BATCH records, decoded as the ingest route does. */
function* batches(): Generator<LoggedRecord[]> {
  let batch: LoggedRecord[] = [];
  let seq = 0;
  for (const { body } of postBodies(shape)) {
    for (const raw of (JSON.parse(body) as { batchData: unknown[] }).batchData) {
      const decoded = decodeWireRecord(raw);
      if (!decoded.ok) throw new Error(decoded.error);
      batch.push({ seq: ++seq, record: decoded.record as TrafficRecord });
      if (batch.length === BATCH) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

const open = async (withTriggers: boolean) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tapline-commit-counters-'));
  // Drops the triggers before the store's own connection prepares its statements.
  const first = await sqliteStorage.factories.inventoryStore({ dataDir, sync: 'full' });
  await first.close();
  if (!withTriggers) {
    const db = new Database(join(dataDir, 'inventory.db'));
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all();
    for (const name of names as string[]) db.exec(`DROP TRIGGER ${name}`);
    db.close();
  }
  return { dataDir, store: await sqliteStorage.factories.inventoryStore({ dataDir, sync: 'full' }), ms: 0 };
};
const stores = { triggers: await open(true), without: await open(false) };

const engine = new InventoryEngine();
let flip = false;
for (const batch of batches()) {
  engine.apply(batch);
  const changes = engine.takeChanges();
  // Alternate which store goes first, so neither always commits into a warmer cache.
  const order = flip ? [stores.without, stores.triggers] : [stores.triggers, stores.without];
  flip = !flip;
  for (const target of order) {
    const t = performance.now();
    await target.store.commit(changes);
    target.ms += performance.now() - t;
  }
}
const endpoints = {
  triggers: await stores.triggers.store.endpointCount(),
  without: Number(
    (
      new Database(join(stores.without.dataDir, 'inventory.db'), { readonly: true })
        .prepare('SELECT count(*) AS n FROM endpoints')
        .get() as { n: number }
    ).n,
  ),
};
for (const { store, dataDir } of Object.values(stores)) {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(
  `${shape.records} records in commits of ${BATCH}, ${endpoints.triggers} endpoints (${endpoints.without} without triggers): ` +
    `commit ${(stores.triggers.ms / 1000).toFixed(2)} s with the count triggers, ${(stores.without.ms / 1000).toFixed(2)} s without: ` +
    `ratio ${(stores.triggers.ms / stores.without.ms).toFixed(3)}`,
);
