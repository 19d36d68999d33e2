import type { TrafficRecord } from '@tapline/contracts';
import type { LoggedRecord } from '@tapline/inventory';
import { NatsTrafficLog, type PartitionReader, parseNatsLogSettings } from '@tapline/log-nats';
import {
  connectPostgres,
  migrateToLatest,
  PartitionLeases,
  type PartitionSource,
  type PostgresConnection,
  processPartitionBatch,
} from '@tapline/store-postgres';
import { trafficRecord } from '@tapline/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from './helpers/test-database.js';
import { deleteStream, uniqueStreamName } from './helpers/test-stream.js';
import { applyCounts, COUNTS_DDL, type CountsDatabase } from './support/count-records.js';

/** JetStream log → partition worker → PostgreSQL, against both real services. */
type TestDatabase = CountsDatabase;

const PARTITIONS = 2;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let stream: string;
const closers: (() => Promise<unknown>)[] = [];

beforeEach(async () => {
  database = await createTestDatabase();
  stream = uniqueStreamName();
  const c = await pgConnect();
  await migrateToLatest(c.pool);
  await COUNTS_DDL.execute(c.db);
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  await deleteStream(stream);
  await database.drop();
});

async function pgConnect(): Promise<PostgresConnection<TestDatabase>> {
  const c = await connectPostgres<TestDatabase>({ url: database.url, maxConnections: 4 });
  closers.push(() => c.close());
  return c;
}

async function openLog(): Promise<NatsTrafficLog> {
  const settings = parseNatsLogSettings(
    { source: 'TAPLINE_LOG_URL', value: 'nats://127.0.0.1:4222' },
    { TAPLINE_NATS_STREAM: stream, TAPLINE_PARTITIONS: String(PARTITIONS), TAPLINE_NATS_ACK_WAIT_MS: '1000' },
  );
  const log = await NatsTrafficLog.open(settings);
  closers.push(() => log.close());
  return log;
}

function traffic(tag: string): TrafficRecord[] {
  const out: TrafficRecord[] = [];
  for (let h = 0; h < 10; h += 1)
    for (let i = 0; i <= h; i += 1)
      out.push(trafficRecord({ requestHeaders: { host: `h${h}.example.com` }, path: `/${tag}/${i}` }));
  return out;
}

async function counts(c: PostgresConnection<TestDatabase>): Promise<Record<string, number>> {
  const rows = await c.db.selectFrom('counts').selectAll().execute();
  return Object.fromEntries(rows.map((r) => [r.collection, r.n]));
}

function expected(times: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: 10 }, (_, h) => [`h${h}.example.com`, (h + 1) * times]));
}

async function drain(
  leases: PartitionLeases<TestDatabase>,
  readers: Map<number, PartitionReader>,
): Promise<{ applied: number; skipped: number }> {
  const total = { applied: 0, skipped: 0 };
  for (const [partition, reader] of readers) {
    for (;;) {
      const outcome = await processPartitionBatch(leases, partition, reader, applyCounts, {
        limit: 20,
        waitMs: 300,
      });
      if (outcome.kind === 'idle') break;
      if (outcome.kind !== 'committed') throw new Error(`partition ${partition}: ${outcome.kind}`);
      total.applied += outcome.applied;
      total.skipped += outcome.skipped;
    }
  }
  return total;
}

describe('worker cycle: read, commit with the checkpoint, then acknowledge', () => {
  it('a worker killed between its commit and its ack: the new owner does not count twice', async () => {
    const log = await openLog();
    for (const tag of ['a', 'b', 'c']) expect((await log.append(traffic(tag))).kind).toBe('ok');

    const a = await pgConnect();
    const doomed = new PartitionLeases(a.db, { workerId: 'doomed', partitions: PARTITIONS, leaseMs: 1000 });
    await doomed.rebalance();
    expect(doomed.held()).toHaveLength(PARTITIONS);
    // One batch per partition is committed, then the process dies before it acknowledges.
    const doomedReaders: PartitionReader[] = [];
    for (const { partition } of doomed.held()) {
      const reader = await log.openPartitionReader(partition, await doomed.checkpointOf(partition));
      doomedReaders.push(reader);
      const dying: PartitionSource<LoggedRecord> = {
        read: (limit, waitMs) => reader.read(limit, waitMs),
        ack: () => Promise.reject(new Error('killed before ack')),
      };
      await expect(
        processPartitionBatch(doomed, partition, dying, applyCounts, { limit: 20, waitMs: 500 }),
      ).rejects.toThrow('killed before ack');
    }
    for (const r of doomedReaders) await r.close();
    const committedByDoomed = Object.values(await counts(a)).reduce((x, y) => x + y, 0);
    // A read takes what has arrived, up to 20 per partition.
    expect(committedByDoomed).toBeGreaterThanOrEqual(PARTITIONS);
    expect(committedByDoomed).toBeLessThanOrEqual(20 * PARTITIONS);

    const b = await pgConnect();
    const heir = new PartitionLeases(b.db, { workerId: 'heir', partitions: PARTITIONS, leaseMs: 1000 });
    await new Promise((r) => setTimeout(r, 1200));
    const taken = await heir.rebalance();
    expect(taken.acquired).toHaveLength(PARTITIONS);
    const readers = new Map<number, PartitionReader>();
    for (const { partition } of taken.acquired)
      readers.set(partition, await log.openPartitionReader(partition, await heir.checkpointOf(partition)));
    const done = await drain(heir, readers);
    expect(done.applied + committedByDoomed).toBe(3 * 55);
    expect(await counts(b)).toEqual(expected(3));

    // An acknowledgement lost while the owner lives: the redelivery is skipped by sequence.
    expect((await log.append(traffic('d'))).kind).toBe('ok');
    for (const [partition, reader] of readers) {
      const lostAck: PartitionSource<LoggedRecord> = {
        read: (limit, waitMs) => reader.read(limit, waitMs),
        ack: async () => {},
      };
      for (;;) {
        const o = await processPartitionBatch(heir, partition, lostAck, applyCounts, {
          limit: 100,
          waitMs: 300,
        });
        if (o.kind === 'idle') break;
      }
    }
    expect(await counts(b)).toEqual(expected(4));
    await new Promise((r) => setTimeout(r, 1300)); // the ack wait runs out: JetStream delivers again
    await heir.rebalance();
    const again = await drain(heir, readers);
    // Every 'd' record comes again (some more than once, one per ack wait that ran out): none applied.
    expect(again.applied).toBe(0);
    expect(again.skipped).toBeGreaterThanOrEqual(55);
    expect(await counts(b)).toEqual(expected(4));
    for (const r of readers.values()) await r.close();
  });
});
