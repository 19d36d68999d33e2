import type { Transaction } from 'kysely';
import {
  type PartitionBatchOptions,
  type PartitionSource,
  processPartitionBatch,
} from './partition-batch.js';
import type { PartitionLeases } from './partition-leases.js';
import type { CoordinationDatabase } from './schema.js';

export interface ClosablePartitionSource<R extends { seq: number }> extends PartitionSource<R> {
  close(): Promise<void>;
}

export interface PartitionWorkerOptions<R extends { seq: number }, DB> {
  leases: PartitionLeases<DB>;
  /** A reader of `partition` starting after `checkpoint` (log-nats: `log.openPartitionReader`). */
  openSource(partition: number, checkpoint: number): Promise<ClosablePartitionSource<R>>;
  /** Applies records to the aggregates inside the partition's transaction. */
  apply(trx: Transaction<DB & CoordinationDatabase>, records: R[], partition: number): Promise<void>;
  batch: PartitionBatchOptions;
  /** Between lease rounds; default a third of the lease time. */
  rebalanceMs?: number;
  /** After a failure (service down, reader lost), before trying again. */
  retryMs?: number;
  onError?(error: unknown, partition: number | undefined): void;
}

export interface PartitionWorkerStats {
  owned: number[];
  commits: number;
  applied: number;
  /** Redelivered records skipped because the checkpoint already covers them. */
  skipped: number;
  leaseLost: number;
  errors: number;
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/**
 * Runs the partitions this worker owns: a lease round every `rebalanceMs`, and for each owned partition
 * a loop of `processPartitionBatch` on a reader opened at its committed checkpoint. A partition that is
 * lost or given up stops at its next step (its commit would be refused anyway).
 */
export class PartitionWorker<R extends { seq: number }, DB = CoordinationDatabase> {
  private readonly running = new Map<number, { stop: boolean; done: Promise<void> }>();
  private readonly stats_ = { commits: 0, applied: 0, skipped: 0, leaseLost: 0, errors: 0 };
  private stopped = false;
  private rounds: Promise<void> | undefined;

  constructor(private readonly options: PartitionWorkerOptions<R, DB>) {}

  stats(): PartitionWorkerStats {
    return { owned: [...this.running.keys()].sort((a, b) => a - b), ...this.stats_ };
  }

  start(): void {
    if (this.rounds !== undefined) return;
    this.rounds = this.roundLoop();
  }

  /** Stops every partition loop; `release` gives the partitions up so others take them at once. */
  async stop(options: { release: boolean } = { release: true }): Promise<void> {
    this.stopped = true;
    await this.rounds;
    for (const run of this.running.values()) run.stop = true;
    await Promise.all([...this.running.values()].map((r) => r.done));
    this.running.clear();
    if (options.release) await this.options.leases.stop();
  }

  private async roundLoop(): Promise<void> {
    const every =
      this.options.rebalanceMs ?? Math.max(100, Math.floor(this.options.leases.options.leaseMs / 3));
    while (!this.stopped) {
      try {
        const round = await this.options.leases.rebalance();
        for (const p of [...round.lost, ...round.released]) {
          const run = this.running.get(p);
          if (run !== undefined) run.stop = true;
        }
        // Every partition held gets a loop: besides the ones just acquired, one whose loop stopped on a
        // refused commit while this round renewed its lease (the lease expired and was renewed in between).
        for (const lease of round.held) {
          const run = this.running.get(lease.partition);
          if (run === undefined || run.stop) this.startPartition(lease.partition);
        }
      } catch (error) {
        this.stats_.errors += 1;
        this.options.onError?.(error, undefined);
      }
      await sleep(every);
    }
  }

  private startPartition(partition: number): void {
    const previous = this.running.get(partition);
    const run = { stop: false, done: Promise.resolve() };
    // A partition lost and won back in one round: the old loop ends before the new one reads.
    run.done = (previous?.done ?? Promise.resolve()).then(() => this.partitionLoop(partition, run));
    if (previous !== undefined) previous.stop = true;
    this.running.set(partition, run);
  }

  private async partitionLoop(partition: number, run: { stop: boolean }): Promise<void> {
    const { leases, retryMs = 1000 } = this.options;
    let source: ClosablePartitionSource<R> | undefined;
    try {
      while (!run.stop && !this.stopped) {
        try {
          source ??= await this.options.openSource(partition, await leases.checkpointOf(partition));
          const outcome = await processPartitionBatch(
            leases,
            partition,
            source,
            this.options.apply,
            this.options.batch,
          );
          if (outcome.kind === 'committed') {
            this.stats_.commits += 1;
            this.stats_.applied += outcome.applied;
            this.stats_.skipped += outcome.skipped;
          } else if (outcome.kind === 'lease-lost') {
            this.stats_.leaseLost += 1;
            run.stop = true;
          } else if (outcome.kind === 'retryable') {
            throw new Error(`partition ${partition}: ${outcome.reason}: ${outcome.detail}`);
          }
        } catch (error) {
          this.stats_.errors += 1;
          this.options.onError?.(error, partition);
          // Start over from the committed checkpoint with a fresh reader.
          await source?.close().catch(() => {});
          source = undefined;
          await sleep(retryMs);
        }
      }
    } finally {
      await source?.close().catch(() => {});
      const current = this.running.get(partition);
      if (current === run) this.running.delete(partition);
    }
  }
}
