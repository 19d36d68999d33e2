/**
 * Ingestion throughput: batches of 100 realistic ~1 KB records posted over keep-alive connections
 * (autocannon) to `tapline serve` (durable: answered after the SQLite commit, synchronous=FULL by
 * default), against a do-nothing Node HTTP server that reads the same bodies, in the same run.
 * Run: `npx tsx bench/ingest/run.ts` (env: BENCH_ROUNDS, BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_SYNC=normal).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { bodyPool } from './records.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SYNC = process.env.BENCH_SYNC === 'normal' ? 'normal' : 'full';
const BATCH = 100;
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES_TSCONFIG = join(REPO, 'packages/server/tsx-sources.tsconfig.json');

interface Round {
  recordsPerSecond: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function spawnScript(script: string, args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args],
    {
      cwd: REPO,
      env: { ...process.env, TSX_TSCONFIG_PATH: SOURCES_TSCONFIG },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { child, line };
}

async function spawnServer(script: string, args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const { child, line } = await spawnScript(script, args);
  return { child, url: (JSON.parse(line) as { url: string }).url };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function load(url: string, bodies: string[]): Promise<Round> {
  const result = await autocannon({
    url: `${url}/api/ingestData`,
    connections: CONNECTIONS,
    duration: SECONDS,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: bodies.map((body) => ({ method: 'POST', path: '/api/ingestData', body })),
  });
  return {
    recordsPerSecond: (result['2xx'] * BATCH) / result.duration,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const bodies = bodyPool(50, BATCH);
const avgRecordBytes = Math.round(bodies.reduce((sum, body) => sum + body.length, 0) / bodies.length / BATCH);
console.log(
  `ingest bench: ${ROUNDS} rounds × ${SECONDS}s, ${CONNECTIONS} keep-alive connections, ${BATCH} records/batch, ` +
    `~${avgRecordBytes} B/record, synchronous=${SYNC.toUpperCase()}`,
);
const tapline: Round[] = [];
const baseline: Round[] = [];
const parsing: Round[] = [];
const describe = (r: Round) =>
  `${Math.round(r.recordsPerSecond)} records/s p99 ${r.p99} ms${r.non2xx + r.errors > 0 ? ` (non-2xx ${r.non2xx}, errors ${r.errors})` : ''}`;
for (let round = 1; round <= ROUNDS; round++) {
  for (const [mode, results] of [
    ['read', baseline],
    ['parse', parsing],
  ] as const) {
    const base = await spawnServer('./baseline-server.ts', [mode]);
    results.push(await load(base.url, bodies));
    await stop(base.child);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'tapline-bench-ingest-'));
  const server = await spawnServer('./tapline-server.ts', [dataDir, SYNC]);
  tapline.push(await load(server.url, bodies));
  await stop(server.child);
  rmSync(dataDir, { recursive: true, force: true });
  console.log(
    `round ${round}: tapline ${describe(tapline.at(-1)!)}; baseline ${describe(baseline.at(-1)!)}; ` +
      `parse-only ${describe(parsing.at(-1)!)}`,
  );
}
const rate = (rounds: Round[]) => median(rounds.map((r) => r.recordsPerSecond));
const p99 = (rounds: Round[]) => median(rounds.map((r) => r.p99));
console.log('');
console.log(
  `tapline (durable, ${SYNC.toUpperCase()}): ${Math.round(rate(tapline))} records/s, p99 ${p99(tapline)} ms (median of ${ROUNDS})`,
);
console.log(`baseline (reads bodies): ${Math.round(rate(baseline))} records/s, p99 ${p99(baseline)} ms`);
console.log(`parse-only server      : ${Math.round(rate(parsing))} records/s, p99 ${p99(parsing)} ms`);
console.log(`ratio tapline/baseline  : ${(rate(tapline) / rate(baseline)).toFixed(3)}   (target >= 0.5)`);
console.log(`ratio tapline/parse-only: ${(rate(tapline) / rate(parsing)).toFixed(3)}`);
console.log(`target >= 30000 records/s durable: ${rate(tapline) >= 30_000 ? 'met' : 'NOT met'}`);

// Where the ingest thread's time goes per 100-record batch (in-process, no HTTP): the ceiling analysis.
type Stages = Record<'parseBody' | 'decode' | 'reject' | 'serialise' | 'append' | 'appendGrouped', number>;
async function runStages(decoder: 'current' | 'reference'): Promise<Stages> {
  const run = await spawnScript('./stages.ts', [SYNC, decoder]);
  if (run.child.exitCode === null) await new Promise((resolve) => run.child.once('exit', resolve));
  return JSON.parse(run.line) as Stages;
}
const stages = await runStages('current');
const before = await runStages('reference');
const us = (value: number) => `${Math.round(value)} µs`;
const perBatchTotal = stages.parseBody + stages.decode + stages.appendGrouped;
console.log('');
console.log(
  'ingest thread, per 100-record batch (median of 7 passes, in-process, no HTTP, one process per decoder):',
);
console.log(`  JSON.parse of the body       : ${us(stages.parseBody)}`);
console.log(
  `  decodeWireRecord x100        : ${us(stages.decode)} (reference decoder: ${us(before.decode)})`,
);
console.log(
  `  decodeWireRecord x100 invalid: ${us(stages.reject)} (reference decoder, which throws per record: ${us(before.reject)})`,
);
console.log(`  JSON.stringify for the log   : ${us(stages.serialise)}`);
console.log(
  `  log append (stringify + SQLite, ${SYNC.toUpperCase()}): ${us(stages.append)} with one batch per commit, ` +
    `${us(stages.appendGrouped)} per batch with 8 batches per (group) commit`,
);
console.log(
  `  parse + decode + grouped append = ${us(perBatchTotal)} -> at most ${Math.round((100 / perBatchTotal) * 1e6)} records/s on one core before HTTP; ` +
    `JSON.parse alone caps at ${Math.round((100 / stages.parseBody) * 1e6)} records/s`,
);
