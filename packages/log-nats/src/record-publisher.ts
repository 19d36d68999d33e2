import { JetStreamApiError, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import { errors } from '@nats-io/transport-node';
import type { TrafficRecord } from '@tapline/contracts';
import { LogNatsError, LogNatsErrorCode } from './errors.js';
import { checkIdempotencyKey, messageIdOf } from './idempotency-key.js';
import { partitionOf, partitionSubject } from './partition-of.js';

export interface PublishTarget {
  stream: string;
  partitions: number;
  /** Largest message (headers + payload) the stream and the server accept. */
  maxMessageBytes: number;
  timeoutMs: number;
}

export interface PublishOptions {
  /** The batch's `Idempotency-Key`: record i becomes `Nats-Msg-Id: <key>:<index>`. Without it: at-least-once. */
  idempotencyKey?: string;
  /** Position of each record in the request batch (default: its position here), so ids survive filtering. */
  recordIndexes?: readonly number[];
}

/** A record refused on its own; the rest of the batch is stored. `index` is its position in the request batch. */
export interface RecordRejection {
  index: number;
  code: 'TOO_LARGE';
  message: string;
}

export type PublishRetryReason =
  | 'timeout'
  | 'stream-unavailable'
  | 'stream-full'
  | 'connection'
  | 'jetstream-error';

export type PublishOutcome =
  | {
      kind: 'ok';
      /** Stream sequence of each record (null for a rejected one); a duplicate keeps its first seq. */
      seqs: (number | null)[];
      /** Records JetStream had already stored under the same message id (a retried batch). */
      duplicates: number;
      rejected: RecordRejection[];
    }
  | { kind: 'retryable'; reason: PublishRetryReason; detail: string };

/** `NATS/1.0\r\n`, each `Name: value\r\n`, and the closing `\r\n`: the server counts them in the limit. */
function headerBytes(stream: string, msgId: string | undefined): number {
  let n = 10 + 2 + 'Nats-Expected-Stream: \r\n'.length + stream.length;
  if (msgId !== undefined) n += 'Nats-Msg-Id: \r\n'.length + Buffer.byteLength(msgId);
  return n;
}

/** No stream listens on the subject (deleted, or JetStream down): the client wraps this in its own error. */
function noResponders(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e instanceof errors.NoRespondersError) return true;
    if (e instanceof errors.RequestError && e.isNoResponders()) return true;
  }
  return false;
}

type Failure = { kind: 'retry'; reason: PublishRetryReason; detail: string } | { kind: 'too-large' };

function classify(error: unknown): Failure {
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof errors.TimeoutError) return { kind: 'retry', reason: 'timeout', detail };
  if (noResponders(error)) return { kind: 'retry', reason: 'stream-unavailable', detail };
  if (error instanceof JetStreamApiError) {
    const text = error.apiError().description ?? detail;
    if (/message size exceeds/i.test(text)) return { kind: 'too-large' };
    if (/maximum (bytes|messages)|resource limits|insufficient|storage/i.test(text))
      return { kind: 'retry', reason: 'stream-full', detail: text };
    if (/stream not found|expected stream/i.test(text))
      return { kind: 'retry', reason: 'stream-unavailable', detail: text };
    return { kind: 'retry', reason: 'jetstream-error', detail: text };
  }
  if (
    error instanceof errors.ClosedConnectionError ||
    error instanceof errors.ConnectionError ||
    error instanceof errors.DrainingConnectionError
  )
    return { kind: 'retry', reason: 'connection', detail };
  return { kind: 'retry', reason: 'jetstream-error', detail };
}

function tooLarge(index: number, bytes: number, limit: number): RecordRejection {
  return {
    index,
    code: 'TOO_LARGE',
    message: `record ${index} is ${bytes} bytes as a stream message; the stream takes at most ${limit}`,
  };
}

/**
 * Publishes each record on its partition's subject, all in flight at once (one connection keeps their
 * order per subject), and resolves once JetStream acknowledged every one, or with `retryable` as soon
 * as the outcome is known. A retryable outcome may still have stored some records: a retry with the
 * same idempotency key stores them once.
 */
export async function publishRecords(
  js: JetStreamClient,
  target: PublishTarget,
  records: readonly TrafficRecord[],
  options: PublishOptions = {},
): Promise<PublishOutcome> {
  const { idempotencyKey: key, recordIndexes } = options;
  if (key !== undefined && !checkIdempotencyKey(key).ok)
    throw new LogNatsError(
      LogNatsErrorCode.IdempotencyKey,
      'invalid idempotency key: check it with checkIdempotencyKey',
    );
  if (recordIndexes !== undefined && recordIndexes.length !== records.length)
    throw new LogNatsError(LogNatsErrorCode.IdempotencyKey, 'recordIndexes must have one entry per record');
  const seqs: (number | null)[] = new Array(records.length).fill(null);
  const rejected: RecordRejection[] = [];
  const pending: Promise<PubAck>[] = [];
  const pendingAt: number[] = [];
  for (let i = 0; i < records.length; i += 1) {
    const index = recordIndexes?.[i] ?? i;
    const msgID = key === undefined ? undefined : messageIdOf(key, index);
    const payload = Buffer.from(JSON.stringify(records[i]));
    const size = payload.length + headerBytes(target.stream, msgID);
    if (size > target.maxMessageBytes) {
      rejected.push(tooLarge(index, size, target.maxMessageBytes));
      continue;
    }
    const subject = partitionSubject(target.stream, partitionOf(records[i]!, target.partitions));
    pending.push(
      js.publish(subject, payload, {
        timeout: target.timeoutMs,
        expect: { streamName: target.stream },
        ...(msgID === undefined ? {} : { msgID }),
      }),
    );
    pendingAt.push(i);
  }
  const settled = await Promise.allSettled(pending);
  let duplicates = 0;
  for (let j = 0; j < settled.length; j += 1) {
    const result = settled[j]!;
    const i = pendingAt[j]!;
    if (result.status === 'fulfilled') {
      seqs[i] = result.value.seq;
      if (result.value.duplicate) duplicates += 1;
      continue;
    }
    const failure = classify(result.reason);
    if (failure.kind === 'retry')
      return { kind: 'retryable', reason: failure.reason, detail: failure.detail };
    const index = recordIndexes?.[i] ?? i;
    rejected.push(tooLarge(index, Buffer.byteLength(JSON.stringify(records[i])), target.maxMessageBytes));
  }
  rejected.sort((a, b) => a.index - b.index);
  return { kind: 'ok', seqs, duplicates, rejected };
}
