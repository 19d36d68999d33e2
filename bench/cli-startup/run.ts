/**
 * CLI start-up: wall time of `tapline --version` and `tapline --help` (the built CLI, through its bin
 * shim), against `node -e 0` in the same run (baseline: Node's own start-up on this machine).
 *
 *   npm run build && npx tsx bench/cli-startup/run.ts [runs]
 *
 * The three commands are interleaved, so a busy neighbour slows them alike; prints medians, the ratio to
 * the baseline and the CLI's own share (median minus baseline), and marks a median over the 200 ms target.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TARGET_MS = 200;
const RUNS = Number(process.argv[2] ?? 21);
const BIN = fileURLToPath(new URL('../../packages/cli/bin/tapline.js', import.meta.url));

const cases: { name: string; args: string[] }[] = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: 'tapline --version', args: [BIN, '--version'] },
  { name: 'tapline --help', args: [BIN, '--help'] },
];

function timeOnce(args: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const samples = cases.map(() => [] as number[]);
for (const c of cases) timeOnce(c.args); // warm the file cache
for (let run = 0; run < RUNS; run++) {
  cases.forEach((c, i) => {
    samples[i]?.push(timeOnce(c.args));
  });
}

const baseline = median(samples[0] ?? []);
console.log(`cli-startup: ${RUNS} runs each, Node ${process.version}, medians (wall time, ms)`);
cases.forEach((c, i) => {
  const m = median(samples[i] ?? []);
  const own = i === 0 ? '' : `  own ${(m - baseline).toFixed(1)} ms`;
  const over = i > 0 && m > TARGET_MS ? `  (over ${TARGET_MS} ms)` : '';
  console.log(
    `  ${c.name.padEnd(22)} ${m.toFixed(1).padStart(7)} ms  x${(m / baseline).toFixed(2)}${own}${over}`,
  );
});
