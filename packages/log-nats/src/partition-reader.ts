import { randomBytes } from 'node:crypto';
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { TrafficRecord } from '@tapline/contracts';
import type { LoggedRecord } from '@tapline/inventory';
import { LogNatsError, LogNatsErrorCode } from './errors.js';
import { partitionSubject } from './partition-of.js';

export interface PartitionReaderOptions {
  stream: string;
  partition: number;
  /** The partition's committed checkpoint: reading starts at the next stream sequence. */
  afterSeq: number;
  ackWaitMs: number;
  /** Messages the client pulls ahead and holds; bounds the reader's memory with the message size. */
  bufferMessages?: number;
  /** Delivered but unacknowledged messages at most; JetStream stops delivering beyond it. */
  maxAckPending?: number;
}

/** A record as a partition reader delivers it: with when JetStream stored it, for end-to-end lag. */
export interface StreamRecord extends LoggedRecord {
  /** Epoch milliseconds of the stream's store time. */
  storedAtMs: number;
}

export type ReadOutcome =
  | {
      kind: 'ok';
      /** In stream order; `seq` is the stream sequence (increasing, not consecutive within a partition). */
      records: StreamRecord[];
      /** Stream sequences of messages that were not a JSON record: skipped, and acknowledged with the rest. */
      undecodable: number[];
    }
  | { kind: 'retryable'; reason: 'consumer-lost' | 'connection'; detail: string };

/**
 * The durable consumers of one partition are named `<stream>_p<n>_<owner>`: each reader opens one of its
 * own and deletes the others. A former owner's client that still pulls asks for a consumer that no longer
 * exists and gets nothing; with one shared name it would pull from its successor's consumer, and the
 * successor's acknowledgement (ack policy "all") would then cover records it never received.
 */
export function consumerPrefixOf(stream: string, partition: number): string {
  return `${stream}_p${partition}_`;
}

/** The partition's consumers (left by former owners, alive or not). */
async function formerConsumers(jsm: JetStreamManager, stream: string, partition: number): Promise<string[]> {
  const prefix = consumerPrefixOf(stream, partition);
  const names: string[] = [];
  for await (const info of jsm.consumers.list(stream))
    if (info.name.startsWith(prefix)) names.push(info.name);
  return names;
}

/**
 * Reads one partition from a checkpoint and acknowledges only when told, after the caller committed
 * what it read. On open the partition's consumer is re-created at `afterSeq + 1`: the committed
 * checkpoint, not JetStream's ack floor, decides where a new owner resumes, so a record committed
 * but not yet acknowledged is not delivered to the new owner again.
 */
export class PartitionReader {
  private readonly unacked = new Map<number, JsMsg>();
  private pendingNext: Promise<IteratorResult<JsMsg>> | undefined;
  private failure: string | undefined;

  private constructor(
    readonly partition: number,
    /** This reader's durable consumer. */
    readonly consumerName: string,
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    private readonly messages: ConsumerMessages,
    private readonly iterator: AsyncIterator<JsMsg>,
  ) {}

  static async open(
    js: JetStreamClient,
    jsm: JetStreamManager,
    options: PartitionReaderOptions,
  ): Promise<PartitionReader> {
    const name = `${consumerPrefixOf(options.stream, options.partition)}${randomBytes(6).toString('hex')}`;
    try {
      for (const former of await formerConsumers(jsm, options.stream, options.partition)) {
        await jsm.consumers.delete(options.stream, former).catch((error: unknown) => {
          if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound))
            throw error;
        });
      }
    } catch (error) {
      throw new LogNatsError(
        LogNatsErrorCode.Consumer,
        `consumers of partition ${options.partition}: ${String(error)}`,
        { cause: error },
      );
    }
    try {
      await jsm.consumers.add(options.stream, {
        durable_name: name,
        filter_subject: partitionSubject(options.stream, options.partition),
        ack_policy: AckPolicy.All,
        ack_wait: nanos(options.ackWaitMs),
        max_ack_pending: options.maxAckPending ?? 10_000,
        ...(options.afterSeq > 0
          ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: options.afterSeq + 1 }
          : { deliver_policy: DeliverPolicy.All }),
      });
      const consumer = await js.consumers.get(options.stream, name);
      const messages = await consumer.consume({
        max_messages: options.bufferMessages ?? 512,
        abort_on_missing_resource: true,
      });
      return new PartitionReader(
        options.partition,
        name,
        jsm,
        options.stream,
        messages,
        messages[Symbol.asyncIterator](),
      );
    } catch (error) {
      throw new LogNatsError(
        LogNatsErrorCode.Consumer,
        `consumer ${name} could not be created: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  /** Up to `limit` records: waits at most `waitMs` for the first, then takes what has already arrived. */
  async read(limit: number, waitMs: number): Promise<ReadOutcome> {
    const records: StreamRecord[] = [];
    const undecodable: number[] = [];
    if (this.failure !== undefined)
      return { kind: 'retryable', reason: 'consumer-lost', detail: this.failure };
    try {
      let next = await this.nextWithin(waitMs);
      while (next !== undefined) {
        this.take(next, records, undecodable);
        if (records.length + undecodable.length >= limit || this.messages.getPending() === 0) break;
        next = await this.nextWithin(0);
      }
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
      return { kind: 'retryable', reason: 'consumer-lost', detail: this.failure };
    }
    return { kind: 'ok', records, undecodable };
  }

  /** Records of the partition not acknowledged yet: not delivered, or delivered and unacknowledged. */
  async lag(): Promise<number> {
    const info = await this.jsm.consumers.info(this.stream, this.consumerName);
    return info.num_pending + info.num_ack_pending;
  }

  /** Acknowledges every delivered message up to `throughSeq` (call after the commit that includes them). */
  async ack(throughSeq: number): Promise<void> {
    let last: JsMsg | undefined;
    for (const [seq, msg] of this.unacked) {
      if (seq > throughSeq) continue;
      if (last === undefined || seq > last.seq) last = msg;
      this.unacked.delete(seq);
    }
    // AckPolicy.All: acknowledging the highest one acknowledges all before it.
    if (last !== undefined && !(await last.ackAck()))
      throw new LogNatsError(LogNatsErrorCode.Consumer, `ack of seq ${last.seq} was not confirmed`);
  }

  async close(): Promise<void> {
    this.failure ??= 'closed';
    // stop(), not close(): close() waits for a pull that is still open to drain.
    this.messages.stop();
  }

  private take(msg: JsMsg, records: StreamRecord[], undecodable: number[]): void {
    this.unacked.set(msg.seq, msg);
    try {
      records.push({
        seq: msg.seq,
        record: JSON.parse(msg.string()) as TrafficRecord,
        storedAtMs: Number(msg.timestampNanos / 1_000_000n),
      });
    } catch {
      undecodable.push(msg.seq);
    }
  }

  /** The next message, or undefined when none came within `ms`; a pending pull carries over to the next read. */
  private async nextWithin(ms: number): Promise<JsMsg | undefined> {
    this.pendingNext ??= this.iterator.next();
    const pending = this.pendingNext;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
      timer.unref();
    });
    const result = await Promise.race([pending, timeout]);
    clearTimeout(timer);
    if (result === undefined) return undefined;
    this.pendingNext = undefined;
    if (result.done) throw new Error('the consumer stopped');
    return result.value;
  }
}
