/**
 * Extension overhead benchmark: the same runtime and handler, invoked directly against the emulator
 * (baseline) and through the Tapline proxy from the built layer (with an in-memory collector), in one
 * run with the two environments interleaved invocation by invocation so machine load hits both alike.
 *
 *   npx tsx bench/extension-overhead/run.ts [--runtime ric|minimal] [--small N] [--large N]
 *
 * `--small 0` or `--large 0` skips that phase. BENCH_NODE_FLAGS=... runs the tapped extensions with
 * those Node flags (TAPLINE_NODE_FLAGS; the launcher passes none by default), to compare settings.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLayer } from '../../packages/extension/src/layer/build-layer.js';
import { LambdaEmulator, minimalRuntime, ricRuntime } from '../../packages/lambda-emulator/src/index.js';
import { startLeanCollector } from './lean-collector.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const RUNTIME = arg('runtime', 'ric');
const SMALL_N = Number(arg('small', '2000'));
const LARGE_N = Number(arg('large', '2000'));
const WARMUP = 100;
const COLD_STARTS = 7;
const ECHO_DIR = fileURLToPath(new URL('../../packages/testkit/functions/echo/', import.meta.url));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
const median = (v: number[]) => percentile(v, 50);
const fmt = (ms: number) => `${ms.toFixed(3)} ms`;

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A JSON event of about `bytes` bytes. */
function payloadOf(bytes: number): Buffer {
  return Buffer.from(JSON.stringify({ id: 'bench', data: 'x'.repeat(Math.max(0, bytes - 24)) }));
}

/** The extension process of each tapped environment, found by the listener port in its environment. */
function extensionPidByPort(layerDir: string): Map<string, number> {
  const bundle = path.join(layerDir, 'tapline', 'extension.mjs');
  const pids = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(bundle)) continue;
      const port = readFileSync(`/proc/${entry}/environ`, 'utf8')
        .split('\0')
        .find((kv) => kv.startsWith('LRAP_LISTENER_PORT='))
        ?.slice('LRAP_LISTENER_PORT='.length);
      if (port !== undefined) pids.set(port, Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

function peakRssMb(pid: number): number {
  if (pid < 0) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** CPU time (user + system) a process has used so far, in ms (from /proc/<pid>/stat, clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  if (pid < 0) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Spawn → register, timed against a bare Extensions API stub (median of several cold starts). */
async function coldInit(layerDir: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < COLD_STARTS; i += 1) {
    let registeredAt = 0;
    let resolveRegistered!: () => void;
    const registered = new Promise<void>((r) => {
      resolveRegistered = r;
    });
    const api = http.createServer((req, res) => {
      if (req.url === '/2020-01-01/extension/register') {
        registeredAt = performance.now();
        res.writeHead(200, { 'Lambda-Extension-Identifier': 'bench' });
        res.end('{}');
        resolveRegistered();
      }
      // event/next: left hanging, as when no invocation comes.
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const apiPort = (api.address() as AddressInfo).port;
    const port = await freePort();
    const started = performance.now();
    const child = spawn(path.join(layerDir, 'extensions', 'tapline'), [], {
      env: {
        PATH: process.env.PATH,
        AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${apiPort}`,
        LRAP_LISTENER_PORT: String(port),
        AKTO_MIRRORING_URL: 'http://127.0.0.1:9/api/ingestData',
      },
      stdio: 'ignore',
    });
    await registered;
    times.push(registeredAt - started);
    child.kill('SIGKILL');
    api.closeAllConnections();
    await new Promise<void>((r) => api.close(() => r()));
  }
  return times;
}

interface Side {
  name: string;
  emulator: LambdaEmulator;
  cycle: number[];
  response: number[];
  postResponse: number[];
}

interface PhaseResult {
  label: string;
  n: number;
  sides: Side[];
  failed: number;
}

async function phase(
  label: string,
  n: number,
  payload: Buffer,
  emulators: [string, LambdaEmulator][],
): Promise<PhaseResult> {
  const sides: Side[] = emulators.map(([name, emulator]) => ({
    name,
    emulator,
    cycle: [],
    response: [],
    postResponse: [],
  }));
  const result: PhaseResult = { label, n, sides, failed: 0 };
  if (n === 0) return result;
  for (let i = 0; i < WARMUP + n; i += 1) {
    // Rotate which side goes first so none always runs at a "warmer" moment.
    for (let k = 0; k < sides.length; k += 1) {
      const side = sides[(i + k) % sides.length]!;
      const r = await side.emulator.invoke(payload);
      if (r.outcome !== 'response') result.failed += 1;
      if (i < WARMUP) continue;
      side.cycle.push(r.timings.cycleMs);
      side.response.push(r.timings.responseMs);
      side.postResponse.push(r.timings.postResponseMs);
    }
  }
  return result;
}

function added(side: Side, base: Side, p: number, key: 'cycle' | 'response'): number {
  return percentile(side[key], p) - percentile(base[key], p);
}

function report(r: PhaseResult): void {
  const [base, ...tapped] = r.sides;
  console.log(`\n${r.label}: ${r.n} invocations per side (after ${WARMUP} warm-up), failed ${r.failed}`);
  for (const side of r.sides) {
    console.log(
      `  ${side.name.padEnd(34)} cycle p50 ${fmt(median(side.cycle))}  p99 ${fmt(percentile(side.cycle, 99))}` +
        `  | response p50 ${fmt(median(side.response))}`,
    );
  }
  for (const side of tapped) {
    console.log(`  added by ${side.name}:`);
    console.log(
      `    cycle     p50 ${fmt(added(side, base!, 50, 'cycle'))}  p99 ${fmt(added(side, base!, 99, 'cycle'))}  (ratio of medians ${(median(side.cycle) / median(base!.cycle)).toFixed(2)}x)`,
    );
    console.log(
      `    response  p50 ${fmt(added(side, base!, 50, 'response'))}  p99 ${fmt(added(side, base!, 99, 'response'))}  (what the caller waits)`,
    );
    console.log(
      `    post-response extension time  p50 ${fmt(median(side.postResponse))}  p99 ${fmt(percentile(side.postResponse, 99))}`,
    );
  }
}

async function main(): Promise<void> {
  const began = performance.now();
  const out = mkdtempSync(path.join(tmpdir(), 'tapline-bench-'));
  const layer = await buildLayer({ outDir: out });
  const collector = await startLeanCollector();
  const runtime =
    RUNTIME === 'minimal' ? minimalRuntime(ECHO_DIR, 'index.handler') : ricRuntime(ECHO_DIR, 'index.handler');
  console.log(
    `Tapline extension overhead — runtime: ${RUNTIME === 'minimal' ? 'minimal JS runtime' : 'aws-lambda-ric'}, handler: echo, node ${process.version}`,
  );

  const cold = await coldInit(layer.layerDir);
  const tappedEnv = (port: number, extra: Record<string, string>) => ({
    AWS_LAMBDA_EXEC_WRAPPER: path.join(layer.layerDir, 'wrapper-script.sh'),
    LRAP_LISTENER_PORT: String(port),
    AKTO_MIRRORING_URL: collector.url,
    TAPLINE_MAX_BODY_BYTES: String(2 * 1024 * 1024),
    ...(process.env.BENCH_NODE_FLAGS ? { TAPLINE_NODE_FLAGS: process.env.BENCH_NODE_FLAGS } : {}),
    ...extra,
  });
  const direct = await LambdaEmulator.start({ functionName: 'bench', runtime, timeoutMs: 30_000 });
  const eachPort = await freePort();
  const eachInvoke = await LambdaEmulator.start({
    functionName: 'bench',
    runtime,
    layerDir: layer.layerDir,
    timeoutMs: 30_000,
    env: tappedEnv(eachPort, {}),
  });
  const duePort = await freePort();
  const dueOnly = await LambdaEmulator.start({
    functionName: 'bench',
    runtime,
    layerDir: layer.layerDir,
    timeoutMs: 30_000,
    env: tappedEnv(duePort, { TAPLINE_FLUSH_EACH_INVOKE: 'false' }),
  });
  const sides: [string, LambdaEmulator][] = [
    ['direct (baseline)', direct],
    ['tapline, flush each invoke (default)', eachInvoke],
    ['tapline, TAPLINE_FLUSH_EACH_INVOKE=false', dueOnly],
  ];
  try {
    const pids = extensionPidByPort(layer.layerDir);
    const rss = () => ({
      each: peakRssMb(pids.get(String(eachPort)) ?? -1),
      due: peakRssMb(pids.get(String(duePort)) ?? -1),
    });
    const cpuBefore = {
      each: cpuMs(pids.get(String(eachPort)) ?? -1),
      due: cpuMs(pids.get(String(duePort)) ?? -1),
    };
    const small = await phase('1 KB events', SMALL_N, payloadOf(1024), sides);
    const rssSmall = rss();
    const cpuSmall = {
      each: (cpuMs(pids.get(String(eachPort)) ?? -1) - cpuBefore.each) / (WARMUP + SMALL_N),
      due: (cpuMs(pids.get(String(duePort)) ?? -1) - cpuBefore.due) / (WARMUP + SMALL_N),
    };
    const large = await phase('1 MB events', LARGE_N, payloadOf(1024 * 1024), sides);
    const rssLarge = rss();
    report(small);
    report(large);
    console.log(
      `\nextension cold init (spawn → registered), median of ${COLD_STARTS}: ${fmt(median(cold))}  (all: ${cold.map((c) => c.toFixed(1)).join(', ')})`,
    );
    console.log(
      `extension CPU per 1 KB invocation (user + system, /proc): default ${(cpuSmall.each * 1000).toFixed(0)} µs;` +
        ` TAPLINE_FLUSH_EACH_INVOKE=false ${(cpuSmall.due * 1000).toFixed(0)} µs`,
    );
    console.log(
      `extension peak RSS (VmHWM), default: after 1 KB phase ${rssSmall.each.toFixed(1)} MB, after 1 MB phase ${rssLarge.each.toFixed(1)} MB;` +
        ` TAPLINE_FLUSH_EACH_INVOKE=false: ${rssSmall.due.toFixed(1)} MB / ${rssLarge.due.toFixed(1)} MB`,
    );
    // Counted after shutdown (below), when every extension has flushed what it held.
    const [base, each, due] = small.sides;
    console.log('\ntargets (1 KB):');
    for (const side of [each!, due!]) {
      const p50 = added(side, base!, 50, 'cycle');
      const p99 = added(side, base!, 99, 'cycle');
      console.log(
        `  ${side.name}: p50 added ≤ 0.5 ms ${p50 <= 0.5 ? 'met' : 'MISSED'} (${fmt(p50)}); p99 added ≤ 2 ms ${p99 <= 2 ? 'met' : 'MISSED'} (${fmt(p99)})`,
      );
    }
    console.log(`  cold init ≤ 80 ms: ${median(cold) <= 80 ? 'met' : 'MISSED'} (${fmt(median(cold))})`);
    console.log(
      `  peak RSS ≤ 70 MB (default mode): ${rssLarge.each <= 70 ? 'met' : 'MISSED'} (${rssLarge.each.toFixed(1)} MB)`,
    );
    console.log(`\ntotal run time ${((performance.now() - began) / 1000).toFixed(1)} s`);
  } finally {
    for (const [, emulator] of sides) await emulator.shutdown({ deadlineMs: 1000 });
    const { records, decodeErrors } = collector.count();
    const perSide = (n: number) => (n === 0 ? 0 : WARMUP + n);
    const expected = 2 * (perSide(SMALL_N) + perSide(LARGE_N));
    console.log(
      `records received by the collector: ${records} of ${expected} (decode errors ${decodeErrors})`,
    );
    await collector.close();
    rmSync(out, { recursive: true, force: true });
  }
}

await main();
