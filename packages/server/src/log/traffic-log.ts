import type { TrafficRecord } from '@tapline/contracts';
import type { LoggedRecord } from '@tapline/inventory';

/**
 * The durable, ordered log of accepted traffic records, between ingestion and the inventory worker.
 * SQLite implements it (sqlite-traffic-log.ts); every implementation runs testkit's `trafficLogContract`.
 */
export interface TrafficLog {
  /** Resolves only once the records are durably stored; seqs are consecutive within one call. */
  append(records: readonly TrafficRecord[]): Promise<{ firstSeq: number; lastSeq: number }>;
  /** Records with `seq > afterSeq`, in seq order, at most `limit`. */
  readAfter(afterSeq: number, limit: number): Promise<LoggedRecord[]>;
  /** Seq of the last record ever appended (0 when none), even if already pruned. */
  headSeq(): Promise<number>;
  /** Deletes records already processed (`seq <= processedUpTo`) and received before `receivedBefore` (epoch ms). */
  pruneProcessed(options: { processedUpTo: number; receivedBefore: number; limit: number }): Promise<number>;
  /** Records currently stored (appended and not pruned). */
  count(): Promise<number>;
  close(): Promise<void>;
}
