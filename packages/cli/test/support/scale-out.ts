/** Real NATS and PostgreSQL for the scale-out tests: a database and a stream of their own, `tapline serve` processes. */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';

export const NATS_URL = 'nats://127.0.0.1:4222';
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
const SOURCES_TSCONFIG = fileURLToPath(new URL('../../../server/tsx-sources.tsconfig.json', import.meta.url));

export interface ScaleOutTarget {
  storeUrl: string;
  stream: string;
  /** The environment every `tapline serve` of the test gets. */
  env: Record<string, string>;
  /** Drops the database and deletes the stream. */
  cleanup(): Promise<void>;
}

/** A database and a stream name of its own; `cleanup` removes both. */
export async function scaleOutTarget(env: Record<string, string> = {}): Promise<ScaleOutTarget> {
  const suffix = randomBytes(6).toString('hex');
  const database = `tapline_test_${suffix}`;
  const stream = `TAPLINE_TEST_${suffix}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`).finally(() => admin.end());
  const storeUrl = `postgres://postgres@127.0.0.1:5432/${database}`;
  return {
    storeUrl,
    stream,
    env: {
      TAPLINE_LOG_URL: NATS_URL,
      TAPLINE_STORE_URL: storeUrl,
      TAPLINE_NATS_STREAM: stream,
      TAPLINE_PARTITIONS: '4',
      TAPLINE_LOG_LEVEL: 'warn',
      ...env,
    },
    async cleanup() {
      await withJetStream((jsm) => jsm.streams.delete(stream)).catch(() => false);
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).finally(() => client.end());
    },
  };
}

export async function withJetStream<T>(
  fn: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<T>,
): Promise<T> {
  const nc = await connect({ servers: NATS_URL });
  try {
    return await fn(await jetstreamManager(nc));
  } finally {
    await nc.close();
  }
}

export interface ServeProcess {
  child: ChildProcess;
  /** The main listener, once it printed its line. */
  url: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
  alive(): boolean;
}

/** `tapline serve --port 0 <args>` from the sources. */
export function serve(args: string[], env: Record<string, string>): ServeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'serve', '--port', '0', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: SOURCES_TSCONFIG, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (part: Buffer) => {
    stderr += part.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => {
      const found = /^tapline serving on (\S+) /.exec(line)?.[1];
      if (found === undefined) reject(new Error(`unexpected first line: ${line}`));
      else resolve(found);
    });
    void exited.then(({ code, signal }) => reject(new Error(`serve exited (${code ?? signal}): ${stderr}`)));
  });
  url.catch(() => {});
  return {
    child,
    url,
    exited,
    stderr: () => stderr,
    alive: () => child.exitCode === null && child.signalCode === null,
  };
}

export async function kill(proc: ServeProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (proc.alive()) proc.child.kill(signal);
  await proc.exited;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export function http(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString() }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Calls per collection host, as the query process answers them. */
export async function callsByHost(queryUrl: string): Promise<Map<string, number>> {
  const collections: { id: string; host: string | null; name: string }[] = [];
  for (let page = 1; ; page++) {
    const listed = JSON.parse((await http(`${queryUrl}/api/collections?pageSize=500&page=${page}`)).text) as {
      collections: { id: string; host: string | null; name: string }[];
      total: number;
    };
    collections.push(...listed.collections);
    if (listed.collections.length === 0 || collections.length >= listed.total) break;
  }
  const calls = new Map<string, number>();
  for (const c of collections) {
    const page = JSON.parse(
      (await http(`${queryUrl}/api/collections/${encodeURIComponent(c.id)}/endpoints?pageSize=100`)).text,
    ) as { endpoints: { calls: number }[] };
    calls.set(
      c.host ?? c.name,
      page.endpoints.reduce((sum, e) => sum + e.calls, 0),
    );
  }
  return calls;
}

/** Every partition's committed checkpoint has reached its last stream sequence. */
export async function caughtUp(target: ScaleOutTarget, partitions: number): Promise<boolean> {
  const heads = await withJetStream(async (jsm) => {
    const out: number[] = [];
    for (let p = 0; p < partitions; p++) {
      const last = await jsm.streams
        .getMessage(target.stream, { last_by_subj: `${target.stream}.p.${p}` })
        .catch(() => null);
      out.push(last?.seq ?? 0);
    }
    return out;
  });
  const client = new pg.Client({ connectionString: target.storeUrl });
  await client.connect();
  try {
    const rows = await client
      .query<{ partition: number; seq: string }>('SELECT partition, seq FROM tapline_partition_checkpoints')
      .catch(() => ({ rows: [] as { partition: number; seq: string }[] }));
    const at = new Map(rows.rows.map((r) => [r.partition, Number(r.seq)]));
    return heads.every((head, p) => head === 0 || (at.get(p) ?? 0) >= head);
  } finally {
    await client.end();
  }
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Leases, checkpoints, stream heads and the workers' health and logs: what a failed catch-up needs to be understood. */
export async function describeState(target: ScaleOutTarget, procs: ServeProcess[]): Promise<string> {
  const lines: string[] = [];
  for (const p of procs) {
    lines.push(`--- process alive=${p.alive()}`, p.stderr().slice(-2000));
    if (p.alive()) lines.push(`health ${(await http(`${await p.url}/healthz`)).text}`);
  }
  const client = new pg.Client({ connectionString: target.storeUrl });
  await client.connect();
  for (const table of ['tapline_partition_leases', 'tapline_partition_checkpoints', 'tapline_workers'])
    lines.push(`${table} ${JSON.stringify((await client.query(`SELECT * FROM ${table}`)).rows)}`);
  await client.end();
  const info = await withJetStream((jsm) => jsm.streams.info(target.stream));
  lines.push(`stream ${JSON.stringify(info.state)}`);
  return `${lines.join('\n')}\n`;
}
