import type { TrafficRecord } from '@tapline/contracts';
import { NatsTrafficLog, parseNatsLogSettings } from '@tapline/log-nats';
import { connectPostgres, migrateToLatest } from '@tapline/store-postgres';
import { trafficRecord } from '@tapline/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from './helpers/test-database.js';
import { deleteStream, uniqueStreamName } from './helpers/test-stream.js';
import { COUNTS_DDL, type CountsDatabase } from './support/count-records.js';
import { spawnWorker, type WorkerProcess } from './support/spawn-worker.js';

const BATCH = 20;
const PUBLISHERS = 4;
const RUN_MS = 4_000;

/** Each batch is its own collection (`b<n>.crash.test`), so its count must end up exactly 0 or BATCH. */
function batch(id: number): TrafficRecord[] {
  return Array.from({ length: BATCH }, (_, i) =>
    trafficRecord({ requestHeaders: { host: `b${id}.crash.test` }, path: `/items/${i}` }),
  );
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

describe('crash safety across JetStream and PostgreSQL', () => {
  it('SIGKILLed workers (one between commit and ack) and a replica dying mid-batch: every acknowledged batch counted exactly once', {
    timeout: 90_000,
  }, async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const stream = uniqueStreamName();
    cleanups.push(() => deleteStream(stream));
    const env = {
      TAPLINE_LOG_URL: 'nats://127.0.0.1:4222',
      TAPLINE_STORE_URL: database.url,
      TAPLINE_NATS_STREAM: stream,
      TAPLINE_PARTITIONS: '4',
      TAPLINE_NATS_ACK_WAIT_MS: '2000',
      LEASE_MS: '1500',
    };
    const pg = await connectPostgres<CountsDatabase>({ url: database.url });
    cleanups.push(() => pg.close());
    await migrateToLatest(pg.pool);
    await COUNTS_DDL.execute(pg.db);
    // Two ingest replicas: two connections publishing to the same stream.
    const settings = parseNatsLogSettings({ source: 'TAPLINE_LOG_URL', value: env.TAPLINE_LOG_URL }, env);
    const replicas = [
      await NatsTrafficLog.open(settings, 'ingest-a'),
      await NatsTrafficLog.open(settings, 'ingest-b'),
    ];
    for (const r of replicas) cleanups.push(() => r.close());

    const workers: WorkerProcess[] = [];
    const start = (id: string, extra: Record<string, string> = {}) => {
      const w = spawnWorker({ ...env, WORKER_ID: id, ...extra });
      workers.push(w);
      cleanups.push(async () => {
        if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
        await w.exited;
      });
      return w;
    };
    const dying = start('dies-between-commit-and-ack', { KILL_AFTER_COMMITS: '15' });
    const steady = start('steady');
    await Promise.all([dying.ready, steady.ready]);

    const acknowledged = new Set<number>();
    let nextId = 0;
    let stop = false;
    const publisher = async (n: number) => {
      while (!stop) {
        const id = nextId++;
        const records = batch(id);
        const key = `batch-${id}`;
        // Every fifth batch: the first replica dies after storing half of it; the client retries the
        // whole batch on the other replica with the same key.
        if (id % 5 === 0) {
          const half = records.slice(0, BATCH / 2);
          await replicas[0]!.append(half, { idempotencyKey: key });
        }
        for (let attempt = 0; attempt < 20; attempt += 1) {
          const outcome = await replicas[(n + attempt) % 2]!.append(records, { idempotencyKey: key });
          if (outcome.kind === 'ok') {
            expect(outcome.rejected).toEqual([]);
            acknowledged.add(id);
            break;
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    const publishing = Promise.all(Array.from({ length: PUBLISHERS }, (_, n) => publisher(n)));

    const killedOnItsOwn = await dying.exited;
    expect(killedOnItsOwn.signal).toBe('SIGKILL');
    start('restarted-after-ack-crash');
    await new Promise((r) => setTimeout(r, RUN_MS / 2));
    steady.child.kill('SIGKILL');
    await steady.exited;
    await new Promise((r) => setTimeout(r, 500));
    await start('restarted-after-sigkill').ready;
    await new Promise((r) => setTimeout(r, RUN_MS / 2));
    stop = true;
    await publishing;

    // Caught up: the committed total reaches what was stored and stays there.
    const expectedTotal = acknowledged.size * BATCH;
    let total = 0;
    for (let i = 0; i < 100 && total < expectedTotal; i += 1) {
      await new Promise((r) => setTimeout(r, 200));
      const row = await pg.db
        .selectFrom('counts')
        .select((eb) => eb.fn.sum<number>('n').as('total'))
        .executeTakeFirst();
      total = Number(row?.total ?? 0);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const rows = await pg.db.selectFrom('counts').selectAll().execute();
    const counted = new Map(rows.map((r) => [r.collection, r.n]));
    const wrong = rows.filter((r) => r.n !== BATCH).map((r) => `${r.collection}=${r.n}`);
    expect(wrong).toEqual([]);
    const missing = [...acknowledged].filter((id) => counted.get(`b${id}.crash.test`) !== BATCH);
    expect(missing).toEqual([]);
    expect(acknowledged.size).toBeGreaterThan(50);
  });
});
