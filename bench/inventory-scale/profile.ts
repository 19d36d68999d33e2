/**
 * Where the engine thread's time goes at scale: the scale bench's traffic, appended to a SQLite
 * traffic log first (not timed), then the inventory loop as `tapline serve` runs it (default sizes and
 * working set) inline, with each stage timed: read, load, apply, takeChanges, commit (wall and CPU time;
 * on a shared machine compare the CPU seconds).
 *
 *   TSX_TSCONFIG_PATH=packages/server/tsx-sources.tsconfig.json npx tsx bench/inventory-scale/profile.ts
 *
 * Env: BENCH_RECORDS (default 200,000), BENCH_COLLECTIONS (2,000), BENCH_ENDPOINTS (50),
 * BENCH_MODE=hosts (mixed hosts, 2 endpoints each), BENCH_WORKING_SET_MB (64), BENCH_SYNC (full | normal),
 * BENCH_KEEP_DIR (keep the data dir, to look at the tables).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWireRecord, type TrafficRecord } from '@tapline/contracts';
import { InventoryEngine } from '@tapline/inventory';
import { sqliteStorage } from '@tapline/server';
import { runInventoryLoop } from '../../packages/server/src/worker/inventory-loop.js';
import { postBodies, type TrafficShape } from './traffic.js';

const hosts = process.env.BENCH_MODE === 'hosts';
const shape: TrafficShape = {
  records: Number(process.env.BENCH_RECORDS ?? (hosts ? 60_000 : 200_000)),
  collections: Number(process.env.BENCH_COLLECTIONS ?? (hosts ? 12_000 : 2_000)),
  endpointsPerCollection: Number(process.env.BENCH_ENDPOINTS ?? (hosts ? 2 : 50)),
  recordsPerPost: hosts ? 100 : 50,
  mixed: hosts,
};
const workingSetBytes = Number(process.env.BENCH_WORKING_SET_MB ?? 64) * 1024 * 1024;
const dataDir = mkdtempSync(join(tmpdir(), 'tapline-profile-scale-'));
const settings = { dataDir, sync: (process.env.BENCH_SYNC ?? 'full') as 'full' | 'normal' };
const log = await sqliteStorage.factories.trafficLog(settings);
for (const { body } of postBodies(shape)) {
  const records = (JSON.parse(body) as { batchData: unknown[] }).batchData.map((raw) => {
    const decoded = decodeWireRecord(raw);
    if (!decoded.ok) throw new Error(decoded.error);
    return decoded.record;
  });
  await log.append(records);
}
const store = await sqliteStorage.factories.inventoryStore(settings);

const ms = { read: 0, load: 0, apply: 0, takeChanges: 0, commit: 0 };
/** CPU time per stage (µs): steadier than wall time on a shared machine (everything here runs on this thread). */
const cpu = { read: 0, load: 0, apply: 0, takeChanges: 0, commit: 0 };
const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const counts = { reads: 0, loads: 0, collectionsLoaded: 0, commits: 0, rowsCommitted: 0 };
const timed = <A extends unknown[], R>(part: keyof typeof ms, run: (...args: A) => R) =>
  function (this: unknown, ...args: A): R {
    const t = performance.now();
    const c = cpuNow();
    const out = run.apply(this, args);
    if (out instanceof Promise) {
      return out.finally(() => {
        ms[part] += performance.now() - t;
        cpu[part] += cpuNow() - c;
      }) as R;
    }
    ms[part] += performance.now() - t;
    cpu[part] += cpuNow() - c;
    return out;
  };
const timedLog = {
  ...log,
  readAfter: timed('read', (after: number, limit: number) => {
    counts.reads++;
    return log.readAfter(after, limit);
  }),
  pruneProcessed: (o: Parameters<typeof log.pruneProcessed>[0]) => log.pruneProcessed(o),
  headSeq: () => log.headSeq(),
  count: () => log.count(),
  append: (r: readonly TrafficRecord[]) => log.append(r),
  close: () => log.close(),
};
const timedStore = {
  checkpoint: () => store.checkpoint(),
  endpointCount: () => store.endpointCount(),
  isolatedCount: () => store.isolatedCount(),
  overCapTotals: () => store.overCapTotals(),
  loadSnapshot: () => store.loadSnapshot(),
  close: () => store.close(),
  loadCollections: timed('load', (ids: readonly string[]) => {
    counts.loads++;
    counts.collectionsLoaded += ids.length;
    return store.loadCollections(ids);
  }),
  commit: timed('commit', (changes: Parameters<typeof store.commit>[0]) => {
    counts.commits++;
    counts.rowsCommitted +=
      changes.endpoints.length + changes.parameters.length + changes.hourly.length + changes.samples.length;
    return store.commit(changes);
  }),
};
const proto = InventoryEngine.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
proto.apply = timed('apply', proto.apply as (...args: unknown[]) => unknown);
proto.takeChanges = timed('takeChanges', proto.takeChanges as (...args: unknown[]) => unknown);

let checkpoint = 0;
const started = performance.now();
const cpuStart = process.cpuUsage();
await runInventoryLoop({
  log: timedLog,
  store: timedStore,
  batchSize: 5_000,
  commitEvery: 50_000,
  commitIntervalMs: 1_000,
  workingSetBytes,
  retentionMs: 24 * 3_600_000,
  waitForWork: async () => {},
  shouldStop: () => checkpoint >= shape.records,
  onProgress: (p) => {
    checkpoint = p.checkpoint;
  },
  onError: (error) => {
    throw error;
  },
});
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpuStart);
const endpoints = await store.endpointCount();
await store.close();
await log.close();
const dbMb = statSync(join(dataDir, 'inventory.db')).size / 1048576;
if (process.env.BENCH_KEEP_DIR === undefined) rmSync(dataDir, { recursive: true, force: true });
else console.log(`data dir kept: ${dataDir}`);
const total = Object.values(ms).reduce((a, b) => a + b, 0);
console.log(
  `${shape.records} records, ${endpoints} endpoints in ${shape.collections} collections: ${(shape.records / seconds).toFixed(0)} records/s ` +
    `(${seconds.toFixed(1)} s, CPU ${((used.user + used.system) / 1e6).toFixed(1)} s), inventory.db ${dbMb.toFixed(0)} MB`,
);
for (const [part, value] of Object.entries(ms)) {
  console.log(
    `  ${part.padEnd(12)} ${(value / 1000).toFixed(2)} s  ${((100 * value) / total).toFixed(0)} %  CPU ${(cpu[part as keyof typeof cpu] / 1e6).toFixed(2)} s`,
  );
}
console.log(`  ${JSON.stringify(counts)}`);
