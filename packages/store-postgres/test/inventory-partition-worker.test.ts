import { InventoryEngine } from '@tapline/inventory';
import { NatsTrafficLog, parseNatsLogSettings, type StreamRecord } from '@tapline/log-nats';
import {
  InventoryPartitionWorker,
  openInventoryDatabase,
  PostgresInventoryStore,
} from '@tapline/store-postgres';
import { canonicalRows, contractTraffic } from '@tapline/testkit/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from './helpers/test-database.js';
import { deleteStream, uniqueStreamName } from './helpers/test-stream.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

describe('InventoryPartitionWorker', () => {
  it('two workers sharing the partitions build the same inventory as one engine fed the whole log in order', {
    timeout: 60_000,
  }, async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const stream = uniqueStreamName();
    cleanups.push(() => deleteStream(stream));
    const settings = parseNatsLogSettings(
      { source: 'TAPLINE_LOG_URL', value: 'nats://127.0.0.1:4222' },
      { TAPLINE_NATS_STREAM: stream, TAPLINE_PARTITIONS: '4' },
    );
    const log = await NatsTrafficLog.open(settings, 'partition-worker-test');
    cleanups.push(() => log.close());
    // Two hosts of contract traffic plus hosts of their own, so the partitions all have work.
    const traffic = [
      ...contractTraffic(120),
      ...contractTraffic(40).map((r, i) => ({
        ...r,
        record: { ...r.record, requestHeaders: { host: `h${i % 8}.worker.test` } },
      })),
    ].map((r) => r.record);
    const workers: InventoryPartitionWorker<StreamRecord>[] = [];
    for (const id of ['w1', 'w2']) {
      const pg = await openInventoryDatabase({ url: database.url });
      cleanups.push(() => pg.close());
      const worker = new InventoryPartitionWorker<StreamRecord>({
        db: pg.db,
        workerId: id,
        partitions: 4,
        leaseMs: 1_500,
        workingSetBytes: 16 * 1024 * 1024,
        batch: { limit: 7, waitMs: 100 },
        openSource: (partition, checkpoint) => log.openPartitionReader(partition, checkpoint),
      });
      worker.start();
      workers.push(worker);
      cleanups.push(() => worker.stop());
    }
    // Both own their share before the traffic arrives, so both apply some of it.
    const shared = Date.now() + 20_000;
    while (!workers.every((w) => w.stats().owned.length === 2)) {
      if (Date.now() > shared) throw new Error('the workers did not share the partitions');
      await new Promise((r) => setTimeout(r, 100));
    }
    const outcome = await log.append(traffic);
    expect(outcome.kind).toBe('ok');
    const deadline = Date.now() + 40_000;
    while (workers.reduce((n, w) => n + w.stats().applied, 0) < traffic.length) {
      if (Date.now() > deadline) throw new Error('the workers did not apply everything');
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const w of workers) await w.stop();
    expect(workers.every((w) => w.stats().commits > 0)).toBe(true);

    const store = await PostgresInventoryStore.open({ url: database.url });
    cleanups.push(() => store.close());
    const stored = canonicalRows(await store.loadSnapshot());
    const engine = new InventoryEngine();
    engine.apply(traffic.map((record, i) => ({ seq: i + 1, record })));
    const expected = canonicalRows(engine.snapshot());
    // Stream sequences are not the engine's 1..n: compare samples without their seq.
    const withoutSeq = (rows: typeof stored.samples) => rows.map(({ seq: _seq, ...rest }) => rest);
    expect(stored.collections).toEqual(expected.collections);
    expect(stored.endpoints).toEqual(expected.endpoints);
    expect(stored.parameters).toEqual(expected.parameters);
    expect(stored.hourly).toEqual(expected.hourly);
    expect(withoutSeq(stored.samples)).toEqual(withoutSeq(expected.samples));
  });
});
