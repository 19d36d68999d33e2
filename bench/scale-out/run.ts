/**
 * Scale-out throughput on NATS JetStream + PostgreSQL: `tapline serve --role ingest|worker|query`
 * processes, with 1 and 2 ingest replicas and 1 and 2 workers. For each layout: acknowledged records/s
 * under CLIENTS concurrent producers (batches of 100 ~1 KB records over 64 hosts), the workers' rate
 * until caught up, CPU seconds per 1,000 records of each role (process_cpu_seconds_total from /metrics,
 * load phase only) and of the NATS and PostgreSQL servers (/proc), and the end-to-end delay p99
 * (JetStream store → PostgreSQL commit, from the workers' /metrics). Then a projection for N cores.
 * Run: `npx tsx bench/scale-out/run.ts` (env: BENCH_SECONDS=15, BENCH_CLIENTS=8, BENCH_LAYOUTS=1x1,2x1,1x2,2x2).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { encodeBatch } from '@tapline/contracts';
import {
  caughtUp,
  http,
  kill,
  type ScaleOutTarget,
  type ServeProcess,
  scaleOutTarget,
  serve,
  waitFor,
} from '../../packages/cli/test/support/scale-out.js';
import { benchRecord } from '../ingest/records.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const LAYOUTS = (process.env.BENCH_LAYOUTS ?? '1x1,2x1,1x2,2x2').split(',').map((l) => {
  const [ingest, workers] = l.split('x').map(Number);
  return { ingest: ingest as number, workers: workers as number };
});
const BATCH = 100;
const PARTITIONS = 16;
const HOSTS = 64;
const CLK_TCK = 100;

function bodies(): string[] {
  return Array.from({ length: 50 }, (_, b) =>
    encodeBatch(
      Array.from({ length: BATCH }, (_, i) => {
        const n = b * BATCH + i;
        const r = benchRecord(n);
        return { ...r, requestHeaders: { ...r.requestHeaders, Host: `api${n % HOSTS}.bench.test` } };
      }),
    ),
  );
}

/** CPU seconds of every process whose command name is `name` (all PostgreSQL backends, the NATS server). */
function cpuOf(name: string): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== name) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks / CLK_TCK;
}

async function scrape(url: string): Promise<Map<string, number>> {
  const text = (await http(`${url}/metrics`)).text;
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) ([-\d.e+]+)$/.exec(line);
    if (m) out.set(m[1] as string, Number(m[2]));
  }
  return out;
}

const cpuSum = async (urls: string[]) => {
  let total = 0;
  for (const u of urls) total += (await scrape(u)).get('process_cpu_seconds_total') ?? 0;
  return total;
};

interface Result {
  layout: string;
  ingestRps: number;
  workerRps: number;
  records: number;
  cpuPer1k: { ingest: number; worker: number; nats: number; postgres: number; client: number };
  e2eP99: number;
}

async function runLayout(layout: { ingest: number; workers: number }, pool: string[]): Promise<Result> {
  const target: ScaleOutTarget = await scaleOutTarget({
    TAPLINE_PARTITIONS: String(PARTITIONS),
    TAPLINE_NATS_MAX_BYTES: String(8 * 1024 ** 3),
  });
  const procs: ServeProcess[] = [];
  try {
    const ingest = Array.from({ length: layout.ingest }, () => serve(['--role', 'ingest'], target.env));
    const workers = Array.from({ length: layout.workers }, () => serve(['--role', 'worker'], target.env));
    procs.push(...ingest, ...workers);
    const ingestUrls = await Promise.all(ingest.map((p) => p.url));
    const workerUrls = await Promise.all(workers.map((p) => p.url));
    // Let every worker take its share before the load starts.
    await waitFor(
      'the partitions to be shared',
      async () => {
        let owned = 0;
        for (const u of workerUrls) owned += (await scrape(u)).get('tapline_worker_owned_partitions') ?? 0;
        return owned === PARTITIONS;
      },
      60_000,
    );
    const before = {
      ingest: await cpuSum(ingestUrls),
      worker: await cpuSum(workerUrls),
      nats: cpuOf('nats-server'),
      postgres: cpuOf('postgres'),
      client: process.cpuUsage(),
    };
    let acknowledged = 0;
    let stop = false;
    let key = 0;
    const started = Date.now();
    const client = async (n: number) => {
      for (let i = n; !stop; i += CLIENTS) {
        const answer = await http(`${ingestUrls[i % ingestUrls.length]}/api/ingestData`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${key++}` },
          body: pool[i % pool.length] as string,
        });
        if (answer.status === 200) acknowledged += BATCH;
      }
    };
    const clients = Array.from({ length: CLIENTS }, (_, n) => client(n));
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    stop = true;
    await Promise.all(clients);
    const ingestSeconds = (Date.now() - started) / 1000;
    const clientCpu = process.cpuUsage(before.client);
    const ingestCpu = (await cpuSum(ingestUrls)) - before.ingest;
    await waitFor('the workers to catch up', () => caughtUp(target, PARTITIONS), 600_000);
    const workerSeconds = (Date.now() - started) / 1000;
    const after = {
      worker: (await cpuSum(workerUrls)) - before.worker,
      nats: cpuOf('nats-server') - before.nats,
      postgres: cpuOf('postgres') - before.postgres,
    };
    let p99 = 0;
    for (const u of workerUrls)
      p99 = Math.max(p99, (await scrape(u)).get('tapline_worker_end_to_end_seconds{quantile="0.99"}') ?? 0);
    const per1k = (cpu: number) => (cpu / acknowledged) * 1000;
    return {
      layout: `${layout.ingest} ingest × ${layout.workers} worker`,
      ingestRps: acknowledged / ingestSeconds,
      workerRps: acknowledged / workerSeconds,
      records: acknowledged,
      cpuPer1k: {
        ingest: per1k(ingestCpu),
        worker: per1k(after.worker),
        nats: per1k(after.nats),
        postgres: per1k(after.postgres),
        client: per1k((clientCpu.user + clientCpu.system) / 1e6),
      },
      e2eP99: p99,
    };
  } finally {
    for (const p of procs) await kill(p, 'SIGTERM');
    await target.cleanup();
  }
}

const pool = bodies();
const results: Result[] = [];
for (const layout of LAYOUTS) {
  const r = await runLayout(layout, pool);
  results.push(r);
  process.stderr.write(`${r.layout}: ${Math.round(r.ingestRps)} records/s acknowledged\n`);
}
const base = results[0] as Result;
const f = (n: number, d = 3) => n.toFixed(d);
console.log(
  `\nscale-out bench: ${SECONDS} s of load per layout, ${CLIENTS} clients, batches of ${BATCH}, ${PARTITIONS} partitions, ${HOSTS} hosts; this machine: 2 cores shared by every process`,
);
console.log(
  '| layout | ingest records/s | × baseline | workers records/s (until caught up) | end-to-end p99 s |',
);
console.log('| --- | --- | --- | --- | --- |');
for (const r of results)
  console.log(
    `| ${r.layout} | ${Math.round(r.ingestRps)} | ${f(r.ingestRps / base.ingestRps, 2)} | ${Math.round(r.workerRps)} | ${f(r.e2eP99, 2)} |`,
  );
console.log('\nCPU seconds per 1,000 records');
console.log('| layout | ingest | worker | NATS server | PostgreSQL | load client |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of results)
  console.log(
    `| ${r.layout} | ${f(r.cpuPer1k.ingest)} | ${f(r.cpuPer1k.worker)} | ${f(r.cpuPer1k.nats)} | ${f(r.cpuPer1k.postgres)} | ${f(r.cpuPer1k.client)} |`,
  );
// Projection from the median per-record cost of each part over the layouts.
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const cost = {
  ingest: median(results.map((r) => r.cpuPer1k.ingest)) / 1000,
  worker: median(results.map((r) => r.cpuPer1k.worker)) / 1000,
  nats: median(results.map((r) => r.cpuPer1k.nats)) / 1000,
  postgres: median(results.map((r) => r.cpuPer1k.postgres)) / 1000,
};
const total = cost.ingest + cost.worker + cost.nats + cost.postgres;
const parts = Object.entries(cost).sort((a, b) => b[1] - a[1]);
console.log('\nProjection (CPU-bound, cores spread over the parts in proportion to their cost):');
console.log(
  `records/s ≈ N cores / ${f(total * 1000)} CPU s per 1,000 records = N × ${Math.round(1 / total)}`,
);
for (const n of [2, 4, 8, 16, 32])
  console.log(
    `  ${n} cores: ~${Math.round(n / total)} records/s (ingest ${f((cost.ingest / total) * n, 1)}, workers ${f((cost.worker / total) * n, 1)}, NATS ${f((cost.nats / total) * n, 1)}, PostgreSQL ${f((cost.postgres / total) * n, 1)} cores)`,
  );
console.log(
  `Largest share of the CPU per record: ${parts.map(([k, v]) => `${k} ${Math.round((v / total) * 100)}%`).join(', ')}`,
);
