import {
  type InventoryChanges,
  InventoryEngine,
  type InventoryOptions,
  type LoggedRecord,
} from '@tapline/inventory';
import type { Kysely, Transaction } from 'kysely';
import type { InventoryTables } from './inventory/inventory-schema.js';
import { loadCollections } from './inventory/load-inventory.js';
import { writeInventoryChanges } from './inventory/write-inventory-changes.js';
import type { PartitionBatchOptions } from './partition-batch.js';
import { PartitionLeases } from './partition-leases.js';
import {
  type ClosablePartitionSource,
  PartitionWorker,
  type PartitionWorkerStats,
} from './partition-worker.js';
import type { CoordinationDatabase } from './schema.js';

export type InventoryWorkerDatabase = InventoryTables & CoordinationDatabase;

export interface InventoryPartitionWorkerOptions<R extends LoggedRecord> {
  db: Kysely<InventoryTables>;
  workerId: string;
  partitions: number;
  leaseMs: number;
  /** A reader of `partition` after `checkpoint` (log-nats: `log.openPartitionReader`). */
  openSource(partition: number, checkpoint: number): Promise<ClosablePartitionSource<R>>;
  engineOptions?: InventoryOptions;
  /** Memory all partitions' engines may hold together; each gets an equal share. */
  workingSetBytes: number;
  batch?: Partial<PartitionBatchOptions>;
  retryMs?: number;
  /** After a partition's commit (and before its acknowledgement): what it applied and changed. */
  onCommitted?(partition: number, records: readonly R[], changes: InventoryChanges): void;
  onError?(error: unknown, partition: number | undefined): void;
}

/** Collections loaded per step at most, and records applied per step (the budget is checked between steps). */
const MAX_LOADS_PER_STEP = 1_000;
const MAX_RECORDS_PER_STEP = 500;
/** After a commit, evict down to this share of the partition's budget. */
const EVICT_TO_SHARE = 0.75;

/**
 * The inventory on partitions: a `PartitionWorker` whose apply step is an `InventoryEngine` per owned
 * partition (loading collections from PostgreSQL on demand) and `writeInventoryChanges` in the
 * partition's transaction, so aggregates and the partition checkpoint commit together and JetStream is
 * acknowledged after. An engine is trusted only while its every apply was committed: a partition just
 * acquired, or one whose transaction failed or was refused, starts a fresh engine that reloads the
 * committed rows. One collection is in one partition, so no other worker writes its rows.
 */
export class InventoryPartitionWorker<R extends LoggedRecord> {
  private readonly engines = new Map<number, InventoryEngine>();
  /** Partitions whose engine applied records in a transaction not known to have committed. */
  private readonly uncommitted = new Set<number>();
  private readonly worker: PartitionWorker<R, InventoryTables>;
  readonly leases: PartitionLeases<InventoryTables>;
  private pending = new Map<number, { records: R[]; changes: InventoryChanges }>();

  constructor(private readonly options: InventoryPartitionWorkerOptions<R>) {
    this.leases = new PartitionLeases<InventoryTables>(options.db, {
      workerId: options.workerId,
      partitions: options.partitions,
      leaseMs: options.leaseMs,
    });
    this.worker = new PartitionWorker<R, InventoryTables>({
      leases: this.leases,
      batch: { limit: 2_000, waitMs: 250, ...options.batch },
      ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }),
      openSource: async (partition, checkpoint) => {
        // A (re)opened reader resumes at the committed checkpoint: whatever the engine held is stale.
        this.forget(partition);
        const source = await options.openSource(partition, checkpoint);
        return {
          read: (limit, waitMs) => source.read(limit, waitMs),
          close: () => source.close(),
          // processPartitionBatch acknowledges only after the commit: the engine's state is the store's.
          ack: async (throughSeq) => {
            this.committed(partition);
            await source.ack(throughSeq);
          },
        };
      },
      apply: (trx, records, partition) => this.apply(trx, records, partition),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
  }

  start(): void {
    this.worker.start();
  }

  stats(): PartitionWorkerStats {
    return this.worker.stats();
  }

  /** Stops every partition; `release` hands them to the other workers at once. */
  async stop(options: { release: boolean } = { release: true }): Promise<void> {
    await this.worker.stop(options);
    this.engines.clear();
  }

  private forget(partition: number): void {
    this.engines.delete(partition);
    this.uncommitted.delete(partition);
    this.pending.delete(partition);
  }

  private committed(partition: number): void {
    if (!this.uncommitted.delete(partition)) return;
    const done = this.pending.get(partition);
    this.pending.delete(partition);
    const engine = this.engines.get(partition);
    if (done !== undefined) this.options.onCommitted?.(partition, done.records, done.changes);
    engine?.evict(Math.floor(this.budget() * EVICT_TO_SHARE));
  }

  private budget(): number {
    return this.options.workingSetBytes / Math.max(1, this.engines.size);
  }

  private engineFor(partition: number): InventoryEngine {
    let engine = this.uncommitted.has(partition) ? undefined : this.engines.get(partition);
    if (engine === undefined) {
      // Only records after the committed checkpoint reach apply, so the engine needs no checkpoint of its own.
      engine = InventoryEngine.resume(this.options.engineOptions ?? {}, 0);
      this.engines.set(partition, engine);
      this.pending.delete(partition);
    }
    return engine;
  }

  private async apply(
    trx: Transaction<InventoryWorkerDatabase>,
    records: R[],
    partition: number,
  ): Promise<void> {
    const engine = this.engineFor(partition);
    this.uncommitted.add(partition);
    let rest: readonly R[] = records;
    while (rest.length > 0) {
      const head = rest.length > MAX_RECORDS_PER_STEP ? rest.slice(0, MAX_RECORDS_PER_STEP) : rest;
      const plan = engine.planLoads(head, MAX_LOADS_PER_STEP);
      const step = plan.records === rest.length ? rest : rest.slice(0, plan.records);
      // Read in this transaction: the partition's rows as its last commit left them.
      if (plan.collectionIds.length > 0) engine.admit(await loadCollections(trx, plan.collectionIds));
      engine.apply(step);
      rest = rest.slice(step.length);
    }
    const changes = engine.takeChanges();
    await writeInventoryChanges(trx, changes);
    this.pending.set(partition, { records, changes });
  }
}
