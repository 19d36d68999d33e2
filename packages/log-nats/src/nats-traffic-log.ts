import {
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { TrafficRecord } from '@tapline/contracts';
import type { LoggedRecord } from '@tapline/inventory';
import { LogNatsError, LogNatsErrorCode } from './errors.js';
import type { NatsLogSettings } from './nats-log-settings.js';
import { partitionOf, partitionSubject } from './partition-of.js';
import { PartitionReader, type PartitionReaderOptions } from './partition-reader.js';
import { type PublishOptions, type PublishOutcome, publishRecords } from './record-publisher.js';
import { ensureStream } from './stream-setup.js';

/**
 * The traffic log on a JetStream stream, partitioned by collection. Its shape follows the server's
 * `TrafficLog` port where the semantics carry over (see docs/scale-out.md for where they differ):
 * `append` resolves with an outcome instead of consecutive seqs, `readAfter`/`headSeq` take an optional
 * partition, and pruning is the stream's own limits retention.
 */
export class NatsTrafficLog {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly settings: Readonly<NatsLogSettings>,
    /** Largest message the stream and the server accept, headers included. */
    readonly maxMessageBytes: number,
  ) {}

  /** Connects and creates (or updates) the stream; throws naming what to fix when it cannot. */
  static async open(settings: Readonly<NatsLogSettings>, clientName = 'tapline'): Promise<NatsTrafficLog> {
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: [...settings.servers],
        name: clientName,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
      });
    } catch (cause) {
      throw new LogNatsError(
        LogNatsErrorCode.Connect,
        `cannot reach NATS at ${settings.servers.join(',')}: check --log / TAPLINE_LOG_URL and that the server runs with JetStream (-js)`,
        { cause },
      );
    }
    try {
      const jsm = await jetstreamManager(nc);
      const info = await ensureStream(jsm, settings);
      const streamLimit = info.config.max_msg_size > 0 ? info.config.max_msg_size : Number.POSITIVE_INFINITY;
      const maxMessageBytes = Math.min(streamLimit, nc.info?.max_payload ?? 1024 * 1024);
      return new NatsTrafficLog(nc, jetstream(nc), jsm, settings, maxMessageBytes);
    } catch (error) {
      await nc.close();
      if (error instanceof LogNatsError) throw error;
      throw new LogNatsError(
        LogNatsErrorCode.Stream,
        `JetStream at ${settings.servers.join(',')}: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  partitionOf(record: TrafficRecord): number {
    return partitionOf(record, this.settings.partitions);
  }

  /** Resolves once JetStream acknowledged every record, or with `retryable` (never throws for a down stream). */
  append(records: readonly TrafficRecord[], options: PublishOptions = {}): Promise<PublishOutcome> {
    return publishRecords(
      this.js,
      {
        stream: this.settings.stream,
        partitions: this.settings.partitions,
        maxMessageBytes: this.maxMessageBytes,
        timeoutMs: this.settings.publishTimeoutMs,
      },
      records,
      options,
    );
  }

  /**
   * Records with `seq > afterSeq` in stream order, at most `limit`, of one partition or all of them.
   * For inspection and single-reader use; workers read through `openPartitionReader`.
   */
  async readAfter(afterSeq: number, limit: number, partition?: number): Promise<LoggedRecord[]> {
    const subject =
      partition === undefined
        ? `${this.settings.stream}.p.*`
        : partitionSubject(this.settings.stream, partition);
    const consumer = await this.js.consumers.get(this.settings.stream, {
      filter_subjects: subject,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: afterSeq + 1,
    });
    try {
      const pending = (await consumer.info()).num_pending;
      const want = Math.min(limit, pending);
      const out: LoggedRecord[] = [];
      if (want === 0) return out;
      const messages = await consumer.fetch({ max_messages: want, expires: 5_000 });
      for await (const msg of messages) {
        out.push({ seq: msg.seq, record: JSON.parse(msg.string()) as TrafficRecord });
        if (out.length >= want) break;
      }
      return out;
    } finally {
      await consumer.delete().catch(() => false);
    }
  }

  /** The last stream sequence of the stream or of one partition (0 when none; a stream keeps it after limits delete data). */
  async headSeq(partition?: number): Promise<number> {
    if (partition === undefined) return (await this.jsm.streams.info(this.settings.stream)).state.last_seq;
    const last = await this.jsm.streams.getMessage(this.settings.stream, {
      last_by_subj: partitionSubject(this.settings.stream, partition),
    });
    return last?.seq ?? 0;
  }

  openPartitionReader(
    partition: number,
    afterSeq: number,
    options: Pick<PartitionReaderOptions, 'bufferMessages' | 'maxAckPending'> = {},
  ): Promise<PartitionReader> {
    if (!Number.isInteger(partition) || partition < 0 || partition >= this.settings.partitions)
      throw new LogNatsError(
        LogNatsErrorCode.Consumer,
        `partition ${partition} is not in 0..${this.settings.partitions - 1}`,
      );
    return PartitionReader.open(this.js, this.jsm, {
      stream: this.settings.stream,
      partition,
      afterSeq,
      ackWaitMs: this.settings.ackWaitMs,
      ...options,
    });
  }

  async close(): Promise<void> {
    await this.nc.drain().catch(() => this.nc.close());
  }
}
