import type { TrafficRecord } from '@tapline/contracts';

/** A record of the batch refused on its own (the rest is stored); `index` is its position in the request. */
export interface SinkRejection {
  index: number;
  error: string;
}

export type SinkOutcome =
  | { kind: 'ok'; rejected: SinkRejection[] }
  /** Nothing of the batch is acknowledged: the producer should send it again (503 with Retry-After). */
  | { kind: 'retryable'; reason: string; detail: string };

export interface SinkAppendOptions {
  /** The batch's `Idempotency-Key`, already checked with `checkIdempotencyKey`. */
  idempotencyKey?: string;
  /** Position of each record in the request batch (records the route rejected are not passed). */
  recordIndexes: readonly number[];
}

/**
 * Where the ingest route stores accepted records: the embedded SQLite log (through the group
 * committer), or a JetStream stream. `append` resolves only once every record it does not reject is
 * durably stored.
 */
export interface IngestSink {
  append(records: readonly TrafficRecord[], options: SinkAppendOptions): Promise<SinkOutcome>;
  /**
   * A sink that stores a retried batch once checks the `Idempotency-Key` header: the key, or the 400
   * message. A sink without it ignores the header.
   */
  checkIdempotencyKey?(raw: string): { ok: true; key: string } | { ok: false; error: string };
  /** Resolves once everything appended so far is stored or failed. */
  drain(): Promise<void>;
}
