import type { Transaction } from 'kysely';
import type { PartitionLeases } from './partition-leases.js';
import type { CoordinationDatabase } from './schema.js';

/** What a partition reader gives (log-nats' `PartitionReader` has this shape). */
export interface PartitionSource<R extends { seq: number }> {
  read(
    limit: number,
    waitMs: number,
  ): Promise<
    | { kind: 'ok'; records: R[]; undecodable: number[] }
    | { kind: 'retryable'; reason: string; detail: string }
  >;
  /** Acknowledges everything delivered up to `throughSeq`. */
  ack(throughSeq: number): Promise<void>;
}

export type PartitionBatchOutcome =
  | { kind: 'idle' }
  | {
      kind: 'committed';
      /** Records applied in this commit. */
      applied: number;
      /** Records already covered by the committed checkpoint (redelivered): not applied again. */
      skipped: number;
      checkpoint: number;
    }
  | { kind: 'lease-lost' }
  | { kind: 'retryable'; reason: string; detail: string };

export interface PartitionBatchOptions {
  limit: number;
  waitMs: number;
}

/**
 * One step of a partition's worker: read, apply what is after the committed checkpoint and commit it
 * with the new checkpoint in one transaction, then acknowledge. Redelivered records (a crash between
 * commit and acknowledgement, an ack wait that ran out) are skipped by sequence, so counts stay exact.
 */
export async function processPartitionBatch<R extends { seq: number }, DB = CoordinationDatabase>(
  leases: PartitionLeases<DB>,
  partition: number,
  source: PartitionSource<R>,
  apply: (trx: Transaction<DB & CoordinationDatabase>, records: R[], partition: number) => Promise<void>,
  options: PartitionBatchOptions,
): Promise<PartitionBatchOutcome> {
  const read = await source.read(options.limit, options.waitMs);
  if (read.kind !== 'ok') return read;
  if (read.records.length === 0 && read.undecodable.length === 0) return { kind: 'idle' };
  let lastSeq = 0;
  for (const r of read.records) lastSeq = Math.max(lastSeq, r.seq);
  for (const seq of read.undecodable) lastSeq = Math.max(lastSeq, seq);
  const commit = await leases.withPartitionTransaction(partition, async (trx, committedSeq) => {
    const fresh = read.records.filter((r) => r.seq > committedSeq);
    if (fresh.length > 0) await apply(trx, fresh, partition);
    return {
      checkpoint: Math.max(committedSeq, lastSeq),
      value: { applied: fresh.length, skipped: read.records.length - fresh.length },
    };
  });
  if (commit.kind === 'lease-lost') return { kind: 'lease-lost' };
  // Only after the commit: a crash before this line redelivers, and the checkpoint skips them.
  await source.ack(lastSeq);
  return { kind: 'committed', ...commit.value, checkpoint: commit.checkpoint };
}
