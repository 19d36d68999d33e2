/**
 * Inventory at scale through `tapline serve` as a user runs it (the built CLI, default settings):
 * HTTP ingest → traffic log → engine thread → SQLite store.
 *
 *   npm run build && npx tsx bench/inventory-scale/run.ts            # 2,000,000 records, 1,000,000 endpoints, 20,000 collections
 *   BENCH_MODE=hosts npx tsx bench/inventory-scale/run.ts             # 60,000 records from 12,000 hosts, mixed in every POST
 *
 * Prints: records/s until the inventory has caught up, peak RSS of the server process (all threads,
 * VmHWM), endpoint-list page latency p50/p99 over 100 random collections, endpoint-detail latency,
 * restart-to-healthy time on the full data dir, and whether the counts are exact.
 * Env: BENCH_RECORDS, BENCH_COLLECTIONS, BENCH_ENDPOINTS (per collection), BENCH_CLIENTS, BENCH_KEEP_DIR.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectionIdOf, endpointIdOf } from '@tapline/inventory';
import { getJson, percentile, startServe, timed } from './serve-process.js';
import { endpointOf, hostOf, postBodies, type TrafficShape } from './traffic.js';

const MODE = process.env.BENCH_MODE === 'hosts' ? 'hosts' : 'scale';
const DEFAULTS =
  MODE === 'scale'
    ? { records: 2_000_000, collections: 20_000, endpoints: 50, perPost: 50, mixed: false }
    : { records: 60_000, collections: 12_000, endpoints: 2, perPost: 100, mixed: true };
const shape: TrafficShape = {
  records: Number(process.env.BENCH_RECORDS ?? DEFAULTS.records),
  collections: Number(process.env.BENCH_COLLECTIONS ?? DEFAULTS.collections),
  endpointsPerCollection: Number(process.env.BENCH_ENDPOINTS ?? DEFAULTS.endpoints),
  recordsPerPost: DEFAULTS.perPost,
  mixed: DEFAULTS.mixed,
};
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
const SAMPLED_COLLECTIONS = 100;
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(REPO, 'packages/cli/dist/bin.js');

/** Peak resident set of the process and all its threads so far (kB → MB). */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function metrics(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+) (\S+)$/.exec(line);
    if (m) out[m[1] as string] = Number(m[2]);
  }
  return out;
}

async function ingestAll(url: string): Promise<{ posted: number; throttled: number }> {
  const bodies = postBodies(shape);
  let posted = 0;
  let throttled = 0;
  const client = async () => {
    for (let next = bodies.next(); !next.done; next = bodies.next()) {
      const { body, records } = next.value;
      for (;;) {
        const response = await fetch(`${url}/api/ingestData`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        await response.arrayBuffer();
        if (response.status === 200) break;
        if (response.status !== 503) throw new Error(`ingest answered ${response.status}`);
        throttled++; // the engine lags: back off as an extension would
        await new Promise((r) => setTimeout(r, 100));
      }
      posted += records;
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  return { posted, throttled };
}

async function caughtUp(url: string, head: number): Promise<void> {
  for (;;) {
    const health = (await getJson(`${url}/healthz`)) as { checkpoint: number; lag: number };
    if (health.lag === 0 && health.checkpoint >= head) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'tapline-bench-scale-'));
const expectedEndpoints = shape.collections * shape.endpointsPerCollection;
console.log(
  `inventory-scale (${MODE}): ${shape.records} records over ${expectedEndpoints} endpoints in ${shape.collections} collections, ` +
    `${shape.recordsPerPost} records per POST${shape.mixed ? ' (random collections mixed)' : ' (one collection per POST)'}, ` +
    `${CLIENTS} clients, tapline serve with default settings`,
);
let server = await startServe(BIN, dataDir);
try {
  const started = performance.now();
  const rssSamples: number[] = [];
  const sampler = setInterval(() => rssSamples.push(peakRssMb(server.child.pid as number)), 1_000);
  const { posted, throttled } = await ingestAll(server.url);
  const ingestSeconds = (performance.now() - started) / 1000;
  await caughtUp(server.url, posted);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const peak = peakRssMb(server.child.pid as number);
  const m = await metrics(server.url);
  console.log(
    `ingested ${posted} records in ${ingestSeconds.toFixed(1)} s (${throttled} POSTs throttled with 503), ` +
      `inventory caught up after ${seconds.toFixed(1)} s: ${Math.round(posted / seconds)} records/s`,
  );
  console.log(`peak RSS of the server process (all threads): ${Math.round(peak)} MB`);
  console.log(
    `engine working set after the last commit: ${Math.round((m.tapline_engine_working_set_bytes ?? 0) / 1048576)} MB estimated, ` +
      `${m.tapline_engine_resident_collections} collections resident`,
  );

  // Exact counts: every endpoint exists once, every record counted once.
  const endpoints = m.tapline_inventory_endpoints ?? 0;
  const processed = m.tapline_records_processed_total ?? 0;
  const perEndpoint = shape.records / expectedEndpoints;
  let callsChecked = 0;
  let callsWrong = 0;

  // Endpoint-list page and endpoint detail latencies over random collections.
  const listMs: number[] = [];
  const detailMs: number[] = [];
  for (let i = 0; i < SAMPLED_COLLECTIONS; i++) {
    const collection = Math.floor(Math.random() * shape.collections);
    const id = collectionIdOf(hostOf(collection));
    let page: { endpoints: { calls: number }[]; total: number } | undefined;
    listMs.push(
      await timed(async () => {
        page = (await getJson(
          `${server.url}/api/collections/${id}/endpoints?page=1&pageSize=50`,
        )) as typeof page;
      }),
    );
    for (const e of page?.endpoints ?? []) {
      callsChecked++;
      if (Number.isInteger(perEndpoint) && e.calls !== perEndpoint) callsWrong++;
    }
    const k = Math.floor(Math.random() * shape.endpointsPerCollection);
    const endpoint = endpointOf(k);
    detailMs.push(
      await timed(() =>
        getJson(`${server.url}/api/endpoints/${endpointIdOf(id, endpoint.method, endpoint.template)}`),
      ),
    );
  }
  console.log(
    `endpoint-list page (50 rows): p50 ${percentile(listMs, 50).toFixed(1)} ms, p99 ${percentile(listMs, 99).toFixed(1)} ms ` +
      `over ${SAMPLED_COLLECTIONS} random collections`,
  );
  console.log(
    `endpoint detail: p50 ${percentile(detailMs, 50).toFixed(1)} ms, p99 ${percentile(detailMs, 99).toFixed(1)} ms`,
  );
  const exact = endpoints === expectedEndpoints && processed === shape.records && callsWrong === 0;
  console.log(
    `counts: ${endpoints} endpoints (expected ${expectedEndpoints}), ${processed} records processed (expected ${shape.records}), ` +
      `${callsChecked} endpoints checked for ${perEndpoint} calls each, ${callsWrong} wrong, ` +
      `${m.tapline_inventory_isolated_records_total} isolated, ${m.tapline_inventory_errors_total} engine errors: ${exact ? 'EXACT' : 'NOT EXACT'}`,
  );

  // Restart on the full data dir: SIGTERM, start again, time to a healthy answer.
  server.child.kill('SIGTERM');
  await server.exited;
  const restartStarted = performance.now();
  server = await startServe(BIN, dataDir);
  await getJson(`${server.url}/healthz`);
  const restartMs = performance.now() - restartStarted;
  console.log(`restart to healthy on the full data dir: ${(restartMs / 1000).toFixed(2)} s`);
  console.log(
    `targets: >= 30000 records/s ${posted / seconds >= 30_000 ? 'met' : 'NOT met'}; peak RSS <= 600 MB ${peak <= 600 ? 'met' : 'NOT met'}; ` +
      `list p99 <= 50 ms ${percentile(listMs, 99) <= 50 ? 'met' : 'NOT met'}; restart <= 5 s ${restartMs <= 5_000 ? 'met' : 'NOT met'}`,
  );
  console.log('(the machine is shared with other jobs: figures vary between runs)');
  if (rssSamples.length === 0) console.log('(run shorter than a second: no RSS samples)');
} finally {
  server.child.kill('SIGTERM');
  await server.exited;
  if (process.env.BENCH_KEEP_DIR === undefined) rmSync(dataDir, { recursive: true, force: true });
  else console.log(`data dir kept: ${dataDir}`);
}
