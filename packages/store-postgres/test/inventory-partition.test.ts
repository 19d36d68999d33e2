/**
 * The inventory inside a partition transaction: the aggregates and the partition's checkpoint commit
 * together or not at all, and an engine per partition loads from and writes to PostgreSQL through
 * `loadCollections` / `writeInventoryChanges`.
 */
import {
  collectionIdOf,
  type InventoryChanges,
  InventoryEngine,
  type LoggedRecord,
} from '@tapline/inventory';
import {
  type CoordinationDatabase,
  connectPostgres,
  type InventoryTables,
  loadCollections,
  migrateToLatest,
  PartitionLeases,
  type PartitionSource,
  type PostgresConnection,
  PostgresInventoryStore,
  processPartitionBatch,
  writeInventoryChanges,
} from '@tapline/store-postgres';
import { canonicalRows, contractTraffic } from '@tapline/testkit/contracts';
import type { Transaction } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from './helpers/test-database.js';

type Db = InventoryTables & CoordinationDatabase;
const HOSTS = ['a.contract.test', 'b.contract.test'].map(collectionIdOf);

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pg: PostgresConnection<Db>;
let leases: PartitionLeases<Db>;

beforeEach(async () => {
  database = await createTestDatabase();
  pg = await connectPostgres<Db>({ url: database.url, maxConnections: 3 });
  await migrateToLatest(pg.pool);
  leases = new PartitionLeases(pg.db, { workerId: 'w1', partitions: 1, leaseMs: 60_000 });
  await leases.rebalance();
});
afterEach(async () => {
  await pg.close();
  await database.drop();
});

function changesOf(engine: InventoryEngine, records: LoggedRecord[]): InventoryChanges {
  engine.apply(records);
  return engine.takeChanges();
}

async function stored() {
  return canonicalRows(await loadCollections(pg.db, HOSTS));
}

describe('writeInventoryChanges inside withPartitionTransaction', () => {
  it('commits the aggregates with the partition checkpoint, and no store checkpoint', async () => {
    const engine = new InventoryEngine();
    const changes = changesOf(engine, contractTraffic(20));
    const commit = await leases.withPartitionTransaction(0, async (trx) => {
      await writeInventoryChanges(trx, changes);
      return { checkpoint: 20, value: undefined };
    });
    expect(commit.kind).toBe('committed');
    expect(await leases.checkpointOf(0)).toBe(20);
    const { checkpoint: _, ...rows } = engine.snapshot();
    expect(await stored()).toEqual(canonicalRows(rows));
    expect(rows.endpoints.length).toBeGreaterThan(0);
    const meta = await pg.db.selectFrom('tapline_inventory_meta').selectAll().execute();
    expect(meta).toEqual([]);
  });

  it('a failure after the writes rolls back both the aggregates and the checkpoint', async () => {
    const engine = new InventoryEngine();
    await leases.withPartitionTransaction(0, async (trx) => {
      await writeInventoryChanges(trx, changesOf(engine, contractTraffic(10)));
      return { checkpoint: 10, value: undefined };
    });
    const before = await stored();
    const next = changesOf(engine, contractTraffic(10, 10));
    expect(next.endpoints.length + next.parameters.length).toBeGreaterThan(0);
    await expect(
      leases.withPartitionTransaction(0, async (trx) => {
        await writeInventoryChanges(trx, next);
        throw new Error('the worker died mid-commit');
      }),
    ).rejects.toThrow('the worker died mid-commit');
    expect(await leases.checkpointOf(0)).toBe(10);
    expect(await stored()).toEqual(before);

    // A row PostgreSQL refuses (a required column missing): the checkpoint does not move either.
    const broken: InventoryChanges = {
      ...next,
      parameters: [
        ...next.parameters,
        { ...(next.parameters[0] as InventoryChanges['parameters'][number]), name: null as never },
      ],
    };
    await expect(
      leases.withPartitionTransaction(0, async (trx) => {
        await writeInventoryChanges(trx, broken);
        return { checkpoint: 20, value: undefined };
      }),
    ).rejects.toThrow();
    expect(await leases.checkpointOf(0)).toBe(10);
    expect(await stored()).toEqual(before);
  });

  it('writes nothing once the lease is another worker’s', async () => {
    const engine = new InventoryEngine();
    const other = new PartitionLeases(pg.db, { workerId: 'w2', partitions: 1, leaseMs: 60_000 });
    await pg.db
      .updateTable('tapline_partition_leases')
      .set({ expires_at: new Date(0) })
      .execute();
    await other.rebalance();
    let ran = false;
    const commit = await leases.withPartitionTransaction(0, async (trx) => {
      ran = true;
      await writeInventoryChanges(trx, changesOf(engine, contractTraffic(10)));
      return { checkpoint: 10, value: undefined };
    });
    expect(commit.kind).toBe('lease-lost');
    expect(ran).toBe(false);
    const left = await loadCollections(pg.db, HOSTS);
    expect([left.collections, left.endpoints, left.parameters]).toEqual([[], [], []]);
  });
});

/** A partition of the log in memory that redelivers what was not acknowledged. */
function memorySource(records: LoggedRecord[], failAck: () => boolean): PartitionSource<LoggedRecord> {
  let acked = 0;
  let cursor = 0;
  return {
    async read(limit) {
      const batch = records.slice(cursor, cursor + limit);
      cursor += batch.length;
      return { kind: 'ok', records: batch, undecodable: [] };
    },
    async ack(throughSeq) {
      if (failAck()) {
        cursor = records.findIndex((r) => r.seq > acked); // redelivered from the last ack
        throw new Error('killed before ack');
      }
      acked = throughSeq;
    },
  };
}

describe('an engine per partition on PostgreSQL', () => {
  it('redelivered records after a commit whose ack was lost are not counted twice', async () => {
    const traffic = contractTraffic(90);
    // The worker's apply step: a fresh engine resumed at the committed checkpoint each batch, loading
    // what the batch needs inside the transaction (as a worker restarted after every batch would).
    const apply = async (trx: Transaction<Db>, records: LoggedRecord[]) => {
      const engine = InventoryEngine.resume({}, (records[0]?.seq ?? 1) - 1);
      engine.admit(await loadCollections(trx, engine.planLoads(records, 100).collectionIds));
      engine.apply(records);
      await writeInventoryChanges(trx, engine.takeChanges());
    };
    let acks = 0;
    const source = memorySource(traffic, () => {
      acks += 1;
      return acks % 3 === 0;
    });
    let skipped = 0;
    for (;;) {
      const outcome = await processPartitionBatch(leases, 0, source, apply, { limit: 13, waitMs: 0 }).catch(
        (error: Error) => {
          expect(error.message).toBe('killed before ack');
          return undefined;
        },
      );
      if (outcome?.kind === 'idle') break;
      if (outcome?.kind === 'committed') skipped += outcome.skipped;
    }
    expect(skipped).toBeGreaterThan(0);
    expect(await leases.checkpointOf(0)).toBe(90);
    const single = new InventoryEngine();
    single.apply(traffic);
    const { checkpoint: _, ...rows } = single.snapshot();
    expect(await stored()).toEqual(canonicalRows(rows));
  });

  it('the store and a partition worker share one write path: the same rows for the same changes', async () => {
    const store = await PostgresInventoryStore.open({ url: database.url, maxConnections: 1 });
    try {
      const engine = new InventoryEngine();
      await store.commit(changesOf(engine, contractTraffic(30)));
      expect(await store.checkpoint()).toBe(30);
      const { checkpoint: _, ...rows } = engine.snapshot();
      expect(await stored()).toEqual(canonicalRows(rows));
      expect(await store.endpointCount()).toBe(rows.endpoints.length);
    } finally {
      await store.close();
    }
  });
});
