/**
 * `tapline serve` on NATS JetStream and PostgreSQL, over HTTP, with faults: processes SIGKILLed, a worker
 * dying between its commit and its acknowledgement, the stream refusing writes. Each test has its own
 * database and stream.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runBatchClients } from './support/batch-clients.js';
import {
  callsByHost,
  caughtUp,
  describeState,
  kill,
  type ScaleOutTarget,
  type ServeProcess,
  scaleOutTarget,
  serve,
  waitFor,
  withJetStream,
} from './support/scale-out.js';

const BATCH = 20;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

async function target(env: Record<string, string> = {}): Promise<ScaleOutTarget> {
  const t = await scaleOutTarget({
    TAPLINE_WORKER_LEASE_MS: '1500',
    TAPLINE_NATS_ACK_WAIT_MS: '2000',
    ...env,
  });
  cleanups.push(() => t.cleanup());
  return t;
}

function start(t: ScaleOutTarget, role: string, env: Record<string, string> = {}): ServeProcess {
  const proc = serve(['--role', role], { ...t.env, ...env });
  cleanups.push(() => kill(proc));
  return proc;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until every partition is committed up to its head, then checks every batch is counted exactly once. */
async function expectExactlyOnce(
  t: ScaleOutTarget,
  queryUrl: string,
  acknowledged: Set<number>,
  suffix: string,
  procs: ServeProcess[] = [],
) {
  await waitFor('the workers to catch up', () => caughtUp(t, 4), 90_000).catch(async (error) => {
    process.stderr.write(await describeState(t, procs));
    throw error;
  });
  const calls = await callsByHost(queryUrl);
  const wrong = [...calls].filter(([, n]) => n !== BATCH).map(([host, n]) => `${host}=${n}`);
  expect(wrong).toEqual([]);
  const missing = [...acknowledged].filter((id) => calls.get(`b${id}.${suffix}`) !== BATCH);
  expect(missing).toEqual([]);
  for (const host of calls.keys()) expect(host.endsWith(`.${suffix}`), host).toBe(true);
}

describe('tapline serve on NATS JetStream and PostgreSQL', () => {
  it('refuses a role without its service, naming the flag', async () => {
    const t = await target();
    const { TAPLINE_LOG_URL: _log, ...noLog } = t.env;
    const worker = serve(['--role', 'worker'], noLog);
    expect((await worker.exited).code).toBe(3);
    expect(worker.stderr()).toMatch(/the worker role needs --log \/ TAPLINE_LOG_URL/);
  }, 30_000);

  it('crash: 2 ingest replicas, 2 workers, 1 query process; one worker and one replica SIGKILLed and restarted: every acknowledged batch counted exactly once', async () => {
    const t = await target();
    const suffix = 'crash.test';
    const ingest = [start(t, 'ingest'), start(t, 'ingest')];
    const workers = [start(t, 'worker'), start(t, 'worker')];
    const query = start(t, 'query');
    const urls = await Promise.all(ingest.map((p) => p.url));
    await Promise.all([...workers.map((w) => w.url), query.url]);
    const run = runBatchClients({ clients: 4, size: BATCH, suffix, urls: () => urls });
    await sleep(2_500);
    await Promise.all([kill(workers[0] as ServeProcess), kill(ingest[0] as ServeProcess)]);
    const ackedAtKill = run.acknowledged.size;
    await sleep(1_000);
    const replacement = start(t, 'ingest');
    urls[0] = await replacement.url;
    const restarted = start(t, 'worker');
    workers.push(restarted);
    await restarted.url;
    await sleep(3_000);
    await run.stop();
    expect(run.acknowledged.size).toBeGreaterThan(ackedAtKill);
    expect(run.acknowledged.size).toBe(run.sent.size);
    expect(run.acknowledged.size).toBeGreaterThan(20);
    await expectExactlyOnce(t, await query.url, run.acknowledged, suffix, workers);
  }, 240_000);

  it('a worker killed between its PostgreSQL commit and its JetStream ack: the redelivered records are not counted twice', async () => {
    const t = await target();
    const suffix = 'ack.test';
    const ingest = start(t, 'ingest');
    const dying = start(t, 'worker', { TAPLINE_TEST_KILL_AFTER_COMMITS: '4' });
    const query = start(t, 'query');
    const url = await ingest.url;
    await dying.url;
    const run = runBatchClients({ clients: 2, size: BATCH, suffix, urls: () => [url] });
    expect((await dying.exited).signal).toBe('SIGKILL');
    const successor = start(t, 'worker');
    await successor.url;
    await sleep(2_000);
    await run.stop();
    await expectExactlyOnce(t, await query.url, run.acknowledged, suffix);
    expect(run.acknowledged.size).toBeGreaterThan(4);
  }, 180_000);

  it('the stream refusing writes (its message limit reached): 503 with Retry-After, nothing acknowledged lost, recovery when the limit is lifted', async () => {
    const t = await target();
    const suffix = 'full.test';
    const ingest = start(t, 'ingest');
    const worker = start(t, 'worker');
    const query = start(t, 'query');
    const url = await ingest.url;
    await Promise.all([worker.url, query.url]);
    const run = runBatchClients({ clients: 2, size: BATCH, suffix, urls: () => [url] });
    await sleep(1_500);
    // The stream holds what it holds and takes nothing more (discard-new): as when max bytes is reached.
    await withJetStream(async (jsm) => {
      const info = await jsm.streams.info(t.stream);
      await jsm.streams.update(t.stream, { ...info.config, max_msgs: info.state.messages });
    });
    await waitFor('503s from ingest', async () => run.unavailable.length >= 5, 20_000);
    const ackedWhileFull = run.acknowledged.size;
    await sleep(1_000);
    // A batch may have been in flight when the limit was set; none is acknowledged while the stream is full.
    expect(run.acknowledged.size - ackedWhileFull).toBeLessThanOrEqual(2);
    await withJetStream(async (jsm) => {
      const info = await jsm.streams.info(t.stream);
      await jsm.streams.update(t.stream, { ...info.config, max_msgs: -1 });
    });
    await waitFor('ingest to recover', async () => run.acknowledged.size > ackedWhileFull + 5, 30_000);
    await run.stop();
    expect(run.unavailable.every((u) => u.retryAfter)).toBe(true);
    await expectExactlyOnce(t, await query.url, run.acknowledged, suffix);
  }, 180_000);
});
