/**
 * Inventory throughput: 1,000,000 generated ~1 KB records over 1,000 endpoints through the engine
 * and the SQLite store (what the inventory worker does), next to a baseline that only JSON-parses
 * the same records. Each phase runs in its own process so its peak RSS is its own.
 * Run: `npx tsx bench/inventory/run.ts` (env: BENCH_ROUNDS, BENCH_RECORDS).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PHASE = fileURLToPath(new URL('./phase.ts', import.meta.url));
/** The engine thread's default old-generation limit in `tapline serve` (TAPLINE_ENGINE_HEAP_MB). */
const ENGINE_HEAP_MB = Number(process.env.TAPLINE_ENGINE_HEAP_MB ?? 256);

interface Phase {
  records: number;
  recordsPerSecond: number;
  /** CPU time of the phase's process (all threads): steadier than wall time on a shared machine. */
  cpuSeconds: number;
  peakRssMb: number;
  endpoints: number;
  seconds: number;
  parts: Record<string, number>;
}

function runPhase(mode: 'tapline' | 'baseline'): Phase {
  const out = execFileSync(
    process.execPath,
    [`--max-old-space-size=${ENGINE_HEAP_MB}`, '--import', 'tsx', PHASE, mode, String(RECORDS)],
    {
      cwd: REPO,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(REPO, 'packages/server/tsx-sources.tsconfig.json') },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as Phase;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

console.log(
  `inventory bench: ${RECORDS} records over 1,000 endpoints, ${ROUNDS} rounds, SQLite synchronous=FULL, ` +
    `heap limit ${ENGINE_HEAP_MB} MB (as the engine thread of tapline serve)`,
);
const tapline: Phase[] = [];
const baseline: Phase[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  baseline.push(runPhase('baseline'));
  tapline.push(runPhase('tapline'));
  const t = tapline.at(-1)!;
  const b = baseline.at(-1)!;
  console.log(
    `round ${round}: tapline ${Math.round(t.recordsPerSecond)} records/s (${Math.round(t.records / t.cpuSeconds)} per CPU-second), peak RSS ${Math.round(t.peakRssMb)} MB, ` +
      `${t.endpoints} endpoints; baseline ${Math.round(b.recordsPerSecond)} records/s, peak RSS ${Math.round(b.peakRssMb)} MB`,
  );
}
const rate = (phases: Phase[]) => median(phases.map((p) => p.recordsPerSecond));
const rss = (phases: Phase[]) => median(phases.map((p) => p.peakRssMb));
const cpuRate = (phases: Phase[]) => median(phases.map((p) => p.records / p.cpuSeconds));
console.log('');
console.log(
  `tapline (engine + SQLite): ${Math.round(rate(tapline))} records/s, peak RSS ${Math.round(rss(tapline))} MB (median of ${ROUNDS})`,
);
console.log(
  `baseline (JSON.parse)    : ${Math.round(rate(baseline))} records/s, peak RSS ${Math.round(rss(baseline))} MB`,
);
console.log(`ratio tapline/baseline   : ${(rate(tapline) / rate(baseline)).toFixed(3)}`);
console.log(
  `per CPU-second (medians): tapline ${Math.round(cpuRate(tapline))}, baseline ${Math.round(cpuRate(baseline))} records ` +
    '(CPU time of the whole process, GC threads included; steadier than wall time when the machine is shared)',
);
const last = tapline.at(-1)!;
const total = Object.values(last.parts).reduce((sum, ms) => sum + ms, 0);
console.log(
  `time split (last round): ${Object.entries(last.parts)
    .map(([part, ms]) => `${part} ${Math.round((100 * ms) / total)}%`)
    .join(', ')}`,
);
console.log(
  `targets: >= 50000 records/s ${rate(tapline) >= 50_000 ? 'met' : 'NOT met'}; <= 400 MB RSS ${rss(tapline) <= 400 ? 'met' : 'NOT met'}`,
);
