/**
 * What the engine alone (no store, no HTTP) spends on the scale bench's traffic: CPU per record on the
 * first call of each endpoint (it creates the endpoint) against later calls (the endpoint in memory),
 * in the same run. Every endpoint stays resident, so no load or commit is in the figures: they are
 * the engine's share of a record, whatever the store.
 *
 *   npm run build && npx tsx bench/inventory-scale/engine-visits.ts
 *
 * Env: BENCH_COLLECTIONS (default 200, 50 endpoints each), BENCH_VISITS (4 calls per endpoint),
 * BENCH_RUNS (5). The measuring process runs with the engine thread's young generation (64 MB, as
 * `tapline serve` gives it) and a heap large enough to keep every endpoint.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeWireRecord } from '@tapline/contracts';
import { InventoryEngine, type LoggedRecord } from '@tapline/inventory';
import { postBodies } from './traffic.js';

const ENDPOINTS_PER_COLLECTION = 50;
/** Records applied between two takes, as a commit window would. */
const TAKE_EVERY = 1_000;
/** 30,000 records/s on one engine thread. */
const BUDGET_US = 1e6 / 30_000;

if (process.argv[2] !== 'child') {
  // A worker's 64 MB young generation is three semi-spaces of about 21 MB.
  const args = ['--max-semi-space-size=21', '--max-old-space-size=4096', ...process.execArgv];
  const run = spawnSync(process.execPath, [...args, fileURLToPath(import.meta.url), 'child'], {
    stdio: 'inherit',
  });
  process.exit(run.status ?? 1);
}

const collections = Number(process.env.BENCH_COLLECTIONS ?? 200);
const visits = Number(process.env.BENCH_VISITS ?? 4);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const perVisit = collections * ENDPOINTS_PER_COLLECTION;
const shape = {
  collections,
  endpointsPerCollection: ENDPOINTS_PER_COLLECTION,
  recordsPerPost: 50,
  records: perVisit * visits,
};

// Decoded as the log hands records to the engine; visit v of every endpoint is records [v·n, (v+1)·n).
const logged: LoggedRecord[] = [];
for (const { body } of postBodies(shape)) {
  for (const raw of (JSON.parse(body) as { batchData: unknown[] }).batchData) {
    const decoded = decodeWireRecord(raw);
    if (!decoded.ok) throw new Error(decoded.error);
    logged.push({ seq: logged.length + 1, record: decoded.record });
  }
}

const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** µs of CPU per record: [first visit, later visits], and the take's share of the first. */
function measure(): { first: number; later: number; firstTake: number } {
  const engine = new InventoryEngine({ maxEndpointsPerCollection: 2_000 });
  const perRecord: number[] = [];
  let firstTake = 0;
  for (let v = 0; v < visits; v++) {
    const part = logged.slice(v * perVisit, (v + 1) * perVisit);
    const start = cpuMicros();
    for (let i = 0; i < part.length; i += TAKE_EVERY) {
      engine.apply(part.slice(i, i + TAKE_EVERY));
      const take = cpuMicros();
      engine.takeChanges();
      if (v === 0) firstTake += cpuMicros() - take;
    }
    perRecord.push((cpuMicros() - start) / part.length);
  }
  return {
    first: perRecord[0] as number,
    later: median(perRecord.slice(1)),
    firstTake: firstTake / perVisit,
  };
}

measure(); // warm-up
const results = Array.from({ length: runs }, measure);
const first = median(results.map((r) => r.first));
const later = median(results.map((r) => r.later));
const firstTake = median(results.map((r) => r.firstTake));
console.log(
  `engine alone, ${perVisit} endpoints in ${collections} collections, ${visits} calls each, median of ${runs} runs (CPU per record):`,
);
console.log(
  `  first call of an endpoint  ${first.toFixed(1)} µs  (takeChanges ${firstTake.toFixed(1)} µs of it)`,
);
console.log(`  later calls, in memory     ${later.toFixed(1)} µs`);
console.log(`  ratio first / later        ${(first / later).toFixed(2)}×`);
console.log(
  `  30,000 records/s allows    ${BUDGET_US.toFixed(1)} µs per record for the whole engine thread (load and commit included)`,
);
