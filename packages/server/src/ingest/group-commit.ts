import type { TrafficRecord } from '@tapline/contracts';
import type { TrafficLog } from '../log/traffic-log.js';
import type { IngestSink } from './ingest-sink.js';

interface Pending {
  records: readonly TrafficRecord[];
  resolve: (range: { firstSeq: number; lastSeq: number }) => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces the appends of concurrent requests into one log transaction (one fsync), so durable
 * acknowledgement stays cheap under load. Each caller still learns its own seq range.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: TrafficLog,
    private readonly onCommitted: (lastSeq: number) => void,
  ) {}

  append(records: readonly TrafficRecord[]): Promise<{ firstSeq: number; lastSeq: number }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // Let the requests parsed in this turn of the event loop join the same transaction.
        setImmediate(() => {
          this.flushing = this.flushing.then(() => this.flush());
        });
      }
    });
  }

  /** Resolves once everything queued so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.scheduled) {
      await new Promise((resolve) => setImmediate(resolve));
      await this.flushing;
    }
    await this.flushing;
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const all = batch.length === 1 ? batch[0]!.records : batch.flatMap((pending) => pending.records);
    try {
      const { firstSeq, lastSeq } = await this.log.append(all);
      this.onCommitted(lastSeq);
      let next = firstSeq;
      for (const pending of batch) {
        const count = pending.records.length;
        pending.resolve({ firstSeq: next, lastSeq: next + count - 1 });
        next += count;
      }
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}

/** The embedded log as the ingest route's sink: a failed commit throws (the route answers 503). */
export function committerSink(committer: GroupCommitter): IngestSink {
  return {
    append: async (records) => {
      await committer.append(records);
      return { kind: 'ok', rejected: [] };
    },
    drain: () => committer.drain(),
  };
}
