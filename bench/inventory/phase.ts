/**
 * One measured phase in its own process (so peak RSS is its own): `tapline` = what the inventory
 * worker does per log segment (JSON.parse, load what the records need from the store, engine.apply,
 * takeChanges, commit to SQLite with synchronous=FULL); `baseline` = JSON.parse of the same segments
 * only. Prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrafficRecord } from '@tapline/contracts';
import { InventoryEngine, type LoggedRecord } from '@tapline/inventory';
import { sqliteStorage } from '@tapline/server';
import { ENDPOINTS, inventoryRecord } from './records.js';

const [mode, totalArg] = process.argv.slice(2);
const TOTAL = Number(totalArg ?? 1_000_000);
const SEGMENT = 100;
/** As the inventory worker does under load: apply what one read returns, commit every 50,000 records. */
const APPLY_EVERY = 5_000;
const COMMIT_EVERY = 50_000;
const VARIANTS = 8;

// A pool of pre-serialised log segments: every endpoint appears in every VARIANTS×ENDPOINTS/SEGMENT segments.
const pool: string[] = [];
for (let s = 0; s < (ENDPOINTS * VARIANTS) / SEGMENT; s++) {
  const records: TrafficRecord[] = [];
  for (let i = 0; i < SEGMENT; i++) {
    const n = s * SEGMENT + i;
    records.push(inventoryRecord((n * 7) % ENDPOINTS, Math.floor(n / ENDPOINTS)));
  }
  pool.push(JSON.stringify(records));
}

const started = performance.now();
const cpuStart = process.cpuUsage();
let endpoints = 0;
/** Milliseconds spent in each step of the tapline phase. */
const parts = { parse: 0, apply: 0, takeChanges: 0, commit: 0 };
if (mode === 'baseline') {
  let sink = 0;
  for (let seq = 0; seq < TOTAL; seq += SEGMENT) {
    sink += (JSON.parse(pool[(seq / SEGMENT) % pool.length]!) as unknown[]).length;
  }
  if (sink !== TOTAL) throw new Error('baseline miscounted');
} else {
  const dataDir = mkdtempSync(join(tmpdir(), 'tapline-bench-inventory-'));
  const store = await sqliteStorage.factories.inventoryStore({ dataDir, sync: 'full' });
  const engine = InventoryEngine.resume({}, await store.checkpoint());
  let batch: LoggedRecord[] = [];
  let seq = 0;
  const time = <T>(part: keyof typeof parts, run: () => T): T => {
    const t = performance.now();
    const result = run();
    parts[part] += performance.now() - t;
    return result;
  };
  while (seq < TOTAL) {
    const records = time('parse', () => JSON.parse(pool[(seq / SEGMENT) % pool.length]!) as TrafficRecord[]);
    for (const record of records) batch.push({ seq: ++seq, record });
    if (batch.length >= APPLY_EVERY || seq >= TOTAL) {
      const plan = engine.planLoads(batch, Number.POSITIVE_INFINITY);
      if (plan.collectionIds.length > 0) engine.admit(await store.loadCollections(plan.collectionIds));
      time('apply', () => engine.apply(batch));
      batch = [];
      if (seq % COMMIT_EVERY === 0 || seq >= TOTAL) {
        const changes = time('takeChanges', () => engine.takeChanges());
        const t = performance.now();
        await store.commit(changes);
        parts.commit += performance.now() - t;
      }
    }
  }
  endpoints = await store.endpointCount();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
const seconds = (performance.now() - started) / 1000;
// CPU time of this process (all its threads): steadier than wall time on a shared machine.
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(
  `${JSON.stringify({ mode, records: TOTAL, seconds, recordsPerSecond: TOTAL / seconds, cpuSeconds, peakRssMb: process.resourceUsage().maxRSS / 1024, endpoints, parts })}\n`,
);
