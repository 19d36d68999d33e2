import {
  type CoordinationDatabase,
  connectPostgres,
  migrateToLatest,
  PartitionLeases,
  type PostgresConnection,
} from '@tapline/store-postgres';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from './helpers/test-database.js';

interface TestDatabase extends CoordinationDatabase {
  counts: { collection: string; n: number };
}

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const open: PostgresConnection<TestDatabase>[] = [];

beforeEach(async () => {
  database = await createTestDatabase();
  const first = await connect();
  await migrateToLatest(first.pool);
  await sql`CREATE TABLE counts (collection text PRIMARY KEY, n bigint NOT NULL)`.execute(first.db);
});
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
  await database.drop();
});

async function connect(): Promise<PostgresConnection<TestDatabase>> {
  const c = await connectPostgres<TestDatabase>({ url: database.url, maxConnections: 4 });
  open.push(c);
  return c;
}

/** A worker process: its own pool and lease set. */
async function worker(id: string, partitions: number, leaseMs = 60_000) {
  const c = await connect();
  return { c, leases: new PartitionLeases(c.db, { workerId: id, partitions, leaseMs }) };
}

type Worker = Awaited<ReturnType<typeof worker>>;

async function rounds(workers: Worker[], n = 2): Promise<void> {
  for (let i = 0; i < n; i += 1) for (const w of workers) await w.leases.rebalance();
}

async function owners(c: PostgresConnection<TestDatabase>): Promise<Record<number, string | null>> {
  const rows = await c.db
    .selectFrom('tapline_partition_leases')
    .select(['partition', 'owner'])
    .where('expires_at', '>', sql<Date>`now()`)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.partition, r.owner]));
}

function countIn(collection: string, by: number) {
  return async (
    trx: Parameters<Parameters<PartitionLeases<TestDatabase>['withPartitionTransaction']>[1]>[0],
  ) => {
    await trx
      .insertInto('counts')
      .values({ collection, n: by })
      .onConflict((c) => c.column('collection').doUpdateSet((eb) => ({ n: eb('counts.n', '+', by) })))
      .execute();
  };
}

describe('partition ownership', () => {
  it('gives each partition to exactly one worker, in fair shares, as workers join and leave', async () => {
    const a = await worker('a', 8);
    await rounds([a]);
    expect(a.leases.held().map((l) => l.partition)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

    const b = await worker('b', 8);
    const c = await worker('c', 8);
    await rounds([a, b, c], 3);
    const held = [a, b, c].map((w) => w.leases.held().map((l) => l.partition));
    expect(held.flat().sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const h of held) expect(h.length).toBeGreaterThanOrEqual(2);
    for (const h of held) expect(h.length).toBeLessThanOrEqual(3);
    const table = await owners(a.c);
    for (const w of [a, b, c])
      for (const l of w.leases.held()) expect(table[l.partition]).toBe(w.leases.options.workerId);

    // b leaves cleanly: a and c take its partitions in their next rounds.
    const fromB = b.leases.held().map((l) => l.partition);
    await b.leases.stop();
    await rounds([a, c], 2);
    expect([...a.leases.held(), ...c.leases.held()].map((l) => l.partition).sort()).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
    ]);
    expect(fromB.length).toBeGreaterThan(0);
  });

  it("takes over a killed worker's partitions once its leases expire, and refuses its late commits", async () => {
    const killed = await worker('killed', 4, 1000);
    const survivor = await worker('survivor', 4, 1000);
    await rounds([killed, survivor]);
    const victims = killed.leases.held().map((l) => l.partition);
    expect(victims).toHaveLength(2);
    // Killed: no more heartbeats, nothing released. The survivor keeps renewing its own.
    const acquired: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      await new Promise((r) => setTimeout(r, 250));
      const round = await survivor.leases.rebalance();
      expect(round.lost).toEqual([]);
      acquired.push(...round.acquired.map((l) => l.partition));
    }
    expect(acquired.sort()).toEqual(victims);
    expect(survivor.leases.held()).toHaveLength(4);
    // The killed worker comes back to life (a long GC pause, say) and tries to commit: refused, nothing written.
    let ran = false;
    const late = await killed.leases.withPartitionTransaction(victims[0]!, async (trx) => {
      ran = true;
      await countIn('late', 1)(trx);
      return { checkpoint: 99, value: undefined };
    });
    expect(late).toEqual({ kind: 'lease-lost', partition: victims[0] });
    expect(ran).toBe(false);
    expect(await survivor.c.db.selectFrom('counts').selectAll().execute()).toEqual([]);
    expect(await survivor.leases.checkpointOf(victims[0]!)).toBe(0);
    // Its next round reports the loss.
    const back = await killed.leases.rebalance();
    expect(back.lost.sort()).toEqual(victims.slice(1));
  });
});

describe('withPartitionTransaction', () => {
  it('commits the writes and the checkpoint together, or neither', async () => {
    const w = await worker('w', 2);
    await w.leases.rebalance();
    const ok = await w.leases.withPartitionTransaction(0, async (trx, committed) => {
      expect(committed).toBe(0);
      await countIn('api.example.com', 3)(trx);
      return { checkpoint: 41, value: 'done' };
    });
    expect(ok).toEqual({ kind: 'committed', checkpoint: 41, value: 'done' });
    await expect(
      w.leases.withPartitionTransaction(0, async (trx, committed) => {
        expect(committed).toBe(41);
        await countIn('api.example.com', 5)(trx);
        throw new Error('engine failed mid-batch');
      }),
    ).rejects.toThrow('engine failed mid-batch');
    await expect(
      w.leases.withPartitionTransaction(0, async (trx) => {
        await countIn('api.example.com', 7)(trx);
        return { checkpoint: 40, value: undefined };
      }),
    ).rejects.toMatchObject({ code: 'TAPLINE_STORE_POSTGRES_CHECKPOINT' });
    const rows = await w.c.db.selectFrom('counts').selectAll().execute();
    expect(rows).toEqual([{ collection: 'api.example.com', n: 3 }]);
    expect(await w.leases.checkpointOf(0)).toBe(41);
    expect(await w.leases.checkpointOf(1)).toBe(0);
  });

  it('holds off a takeover while a commit is in progress; the new owner resumes after it', async () => {
    const old = await worker('old', 1, 1000);
    const next = await worker('next', 1, 1000);
    await old.leases.rebalance();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let entered!: () => void;
    const inside = new Promise<void>((r) => {
      entered = r;
    });
    const commit = old.leases.withPartitionTransaction(0, async (trx) => {
      entered();
      await gate; // still applying when its lease runs out
      await countIn('slow.example.com', 1)(trx);
      return { checkpoint: 10, value: undefined };
    });
    await inside;
    await new Promise((r) => setTimeout(r, 1300));
    const during = await next.leases.rebalance();
    expect(during.acquired).toEqual([]);
    release();
    expect(await commit).toMatchObject({ kind: 'committed', checkpoint: 10 });
    // The commit renewed the lease; once that expires too, the takeover goes through.
    await new Promise((r) => setTimeout(r, 1300));
    const after = await next.leases.rebalance();
    expect(after.acquired.map((l) => l.partition)).toEqual([0]);
    expect(await next.leases.checkpointOf(0)).toBe(10);
    const second = await next.leases.withPartitionTransaction(0, async (trx, committed) => {
      expect(committed).toBe(10);
      await countIn('slow.example.com', 1)(trx);
      return { checkpoint: 12, value: undefined };
    });
    expect(second.kind).toBe('committed');
    expect(
      await old.leases.withPartitionTransaction(0, async () => ({ checkpoint: 13, value: 0 })),
    ).toMatchObject({
      kind: 'lease-lost',
    });
    const rows = await next.c.db.selectFrom('counts').selectAll().execute();
    expect(rows).toEqual([{ collection: 'slow.example.com', n: 2 }]);
  });
});
