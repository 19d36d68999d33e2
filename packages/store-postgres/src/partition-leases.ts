import { type Kysely, sql, type Transaction } from 'kysely';
import { StorePostgresError, StorePostgresErrorCode } from './errors.js';
import type { CoordinationDatabase } from './schema.js';

export interface PartitionLeasesOptions {
  /** Unique per process, e.g. `<host>-<pid>-<random>`. */
  workerId: string;
  partitions: number;
  /** A lease (and a worker's registration) not renewed within this time may be taken over. */
  leaseMs: number;
}

/** A partition this worker owns; `epoch` fences its commits against a later owner. */
export interface Lease {
  partition: number;
  epoch: number;
}

export interface RebalanceResult {
  /** Newly claimed: open a reader at the partition's checkpoint. */
  acquired: Lease[];
  /** Taken over by another worker, or expired: stop processing them (their commits are refused). */
  lost: number[];
  /** Given up so that newer workers get their share. */
  released: number[];
  /** Everything owned after this round. */
  held: Lease[];
}

export type PartitionCommit<T> =
  | { kind: 'committed'; checkpoint: number; value: T }
  | { kind: 'lease-lost'; partition: number };

/** What a partition transaction's function gets and hands back. */
export type PartitionWork<DB, T> = (
  trx: Transaction<DB & CoordinationDatabase>,
  committedSeq: number,
) => Promise<{ checkpoint: number; value: T }>;

/**
 * Partition ownership through a lease table in PostgreSQL, with PostgreSQL's clock only. Each worker
 * registers itself, renews its leases, takes its fair share (`ceil(partitions / live workers)`) of
 * free or expired partitions and gives up what is beyond it, so workers can be added, removed or
 * killed and the partitions move. Claiming uses `FOR UPDATE SKIP LOCKED`, so two workers never take
 * the same partition, and a partition whose owner is committing is not taken until that commit ends.
 */
export class PartitionLeases<DB = CoordinationDatabase> {
  private readonly leases = new Map<number, Lease>();
  private seeded = false;
  private readonly db: Kysely<CoordinationDatabase>;

  constructor(
    db: Kysely<DB>,
    readonly options: PartitionLeasesOptions,
  ) {
    this.db = db as unknown as Kysely<CoordinationDatabase>;
  }

  held(): Lease[] {
    return [...this.leases.values()].sort((a, b) => a.partition - b.partition);
  }

  /** One round: register, renew, release the surplus, claim up to the fair share. Call every ~leaseMs/3. */
  async rebalance(): Promise<RebalanceResult> {
    const { workerId, partitions, leaseMs } = this.options;
    const until = sql<Date>`now() + ${`${leaseMs} milliseconds`}::interval`;
    if (!this.seeded) {
      // Only the missing rows reach the unique index: an existing row being committed by its owner
      // would make ON CONFLICT wait for that commit.
      await sql`INSERT INTO tapline_partition_leases (partition)
        SELECT g FROM generate_series(0, ${partitions - 1}::int) AS g
        WHERE NOT EXISTS (SELECT 1 FROM tapline_partition_leases l WHERE l.partition = g)
        ON CONFLICT (partition) DO NOTHING`.execute(this.db);
      this.seeded = true;
    }
    await this.db
      .insertInto('tapline_workers')
      .values({ worker_id: workerId, expires_at: until })
      .onConflict((c) => c.column('worker_id').doUpdateSet({ expires_at: until }))
      .execute();

    const renewed = await this.db
      .updateTable('tapline_partition_leases')
      .set({ expires_at: until })
      .where('owner', '=', workerId)
      .where('expires_at', '>', sql<Date>`now()`)
      .where('partition', '<', partitions)
      .returning(['partition', 'epoch'])
      .execute();
    const stillHeld = new Map(renewed.map((r) => [r.partition, { partition: r.partition, epoch: r.epoch }]));
    const lost = [...this.leases.keys()].filter((p) => stillHeld.get(p)?.epoch !== this.leases.get(p)!.epoch);
    this.leases.clear();
    for (const [p, lease] of stillHeld) this.leases.set(p, lease);

    const live = await this.db
      .selectFrom('tapline_workers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('expires_at', '>', sql<Date>`now()`)
      .executeTakeFirstOrThrow();
    const share = Math.ceil(partitions / Math.max(1, Number(live.n)));

    const released: number[] = [];
    const surplus = this.held().slice(share);
    for (const lease of surplus) if (await this.release(lease.partition)) released.push(lease.partition);

    const acquired: Lease[] = [];
    const want = share - this.leases.size;
    if (want > 0) {
      const claimed = await this.db
        .updateTable('tapline_partition_leases')
        .set((eb) => ({ owner: workerId, epoch: eb('epoch', '+', 1), expires_at: until }))
        .where('partition', 'in', (eb) =>
          eb
            .selectFrom('tapline_partition_leases')
            .select('partition')
            .where('partition', '<', partitions)
            .where((w) => w.or([w('owner', 'is', null), w('expires_at', '<=', sql<Date>`now()`)]))
            .orderBy('partition')
            .limit(want)
            .forUpdate()
            .skipLocked(),
        )
        .returning(['partition', 'epoch'])
        .execute();
      for (const row of claimed) {
        const lease = { partition: row.partition, epoch: row.epoch };
        this.leases.set(row.partition, lease);
        acquired.push(lease);
      }
    }
    return { acquired, lost, released, held: this.held() };
  }

  /** Gives a partition up now (false when it was no longer ours). */
  async release(partition: number): Promise<boolean> {
    const lease = this.leases.get(partition);
    this.leases.delete(partition);
    if (lease === undefined) return false;
    const result = await this.db
      .updateTable('tapline_partition_leases')
      .set({ owner: null, expires_at: sql<Date>`'-infinity'` })
      .where('partition', '=', partition)
      .where('owner', '=', this.options.workerId)
      .where('epoch', '=', lease.epoch)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Leaves cleanly: releases every partition and unregisters, so the others take over at once. */
  async stop(): Promise<void> {
    for (const lease of this.held()) await this.release(lease.partition);
    await this.db.deleteFrom('tapline_workers').where('worker_id', '=', this.options.workerId).execute();
  }

  /** The committed checkpoint of a partition (0 when none): where a new owner resumes. */
  async checkpointOf(partition: number): Promise<number> {
    const row = await this.db
      .selectFrom('tapline_partition_checkpoints')
      .select('seq')
      .where('partition', '=', partition)
      .executeTakeFirst();
    return row?.seq ?? 0;
  }

  /**
   * Runs `fn` in one transaction with the partition's lease row locked and checked, then writes the
   * checkpoint `fn` returns: the aggregates and the checkpoint commit together or not at all. Refused
   * (`lease-lost`, nothing written, `fn` not run) when this worker no longer owns the partition; a
   * takeover waits for a commit in progress, so a lost owner never commits after its successor began.
   * The commit also renews the lease.
   */
  async withPartitionTransaction<T>(
    partition: number,
    fn: PartitionWork<DB, T>,
  ): Promise<PartitionCommit<T>> {
    const lease = this.leases.get(partition);
    if (lease === undefined) return { kind: 'lease-lost', partition };
    const { workerId, leaseMs } = this.options;
    const outcome = await this.db.transaction().execute(async (trx) => {
      const owned = await trx
        .updateTable('tapline_partition_leases')
        .set({ expires_at: sql<Date>`now() + ${`${leaseMs} milliseconds`}::interval` })
        .where('partition', '=', partition)
        .where('owner', '=', workerId)
        .where('epoch', '=', lease.epoch)
        .where('expires_at', '>', sql<Date>`now()`)
        .returning('partition')
        .executeTakeFirst();
      if (owned === undefined) return undefined;
      const previous = await trx
        .selectFrom('tapline_partition_checkpoints')
        .select('seq')
        .where('partition', '=', partition)
        .executeTakeFirst();
      const committedSeq = previous?.seq ?? 0;
      const work = await fn(trx as unknown as Transaction<DB & CoordinationDatabase>, committedSeq);
      if (!Number.isSafeInteger(work.checkpoint) || work.checkpoint < committedSeq)
        throw new StorePostgresError(
          StorePostgresErrorCode.Checkpoint,
          `partition ${partition}: checkpoint ${work.checkpoint} is before the committed ${committedSeq}`,
        );
      await trx
        .insertInto('tapline_partition_checkpoints')
        .values({ partition, seq: work.checkpoint, updated_at: sql<Date>`now()` })
        .onConflict((c) =>
          c.column('partition').doUpdateSet({ seq: work.checkpoint, updated_at: sql<Date>`now()` }),
        )
        .execute();
      return work;
    });
    if (outcome === undefined) {
      this.leases.delete(partition);
      return { kind: 'lease-lost', partition };
    }
    return { kind: 'committed', checkpoint: outcome.checkpoint, value: outcome.value };
  }
}
