import { randomBytes } from 'node:crypto';
import { encodeBatchOf } from '@tapline/contracts';
import type { CollectorClient, SendResult } from './collector-client.js';
import type { Logger } from './logger.js';

export interface MirrorQueueOptions {
  client: CollectorClient;
  log: Logger;
  batchSize: number;
  lingerMs: number;
  maxRecords: number;
  maxBytes: number;
  /**
   * Send as soon as a record arrives (when nothing is in flight) instead of waiting for the flush at
   * `event/next`: the collector round trip then overlaps the Runtime API's answer to the runtime.
   */
  sendOnPush?: boolean;
  /** Per-request timeout of background (linger/size-triggered) sends. */
  backgroundTimeoutMs: number;
  /** Consecutive failures that open the circuit, and how long it stays open. */
  breakerThreshold?: number;
  breakerCooldownMs?: number;
  now?: () => number;
}

export interface QueueStats {
  queued: number;
  queuedBytes: number;
  sent: number;
  dropped: number;
  failedBatches: number;
}

const MAX_BATCH_BYTES = 4 * 1024 * 1024;

/** A record already in its wire JSON (encoded while mapping, off the flush path). */
export interface EncodedRecord {
  readonly json: string;
}

function recordBytes(r: EncodedRecord): number {
  return r.json.length;
}

/**
 * A bounded queue of records with batching. Overflow drops the oldest records and counts them;
 * a circuit breaker makes a dead collector cost nothing after a few failures, probing again later.
 */
export class MirrorQueue {
  private records: EncodedRecord[] = [];
  /** Push order of each queued record (parallel to `records`): names a batch by its first record. */
  private seqs: number[] = [];
  private nextSeq = 0;
  /** Random per process, so keys of different execution environments never meet. */
  private readonly keyPrefix = randomBytes(8).toString('hex');
  /** When the oldest queued record arrived (undefined while empty). */
  private oldestAt: number | undefined;
  private bytes = 0;
  private inFlight: Promise<SendResult> | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  private consecutiveFailures = 0;
  private openUntil = 0;
  private readonly stats = { sent: 0, dropped: 0, failedBatches: 0 };
  private readonly now: () => number;
  private readonly threshold: number;
  private readonly cooldownMs: number;

  constructor(private readonly options: MirrorQueueOptions) {
    this.now = options.now ?? Date.now;
    this.threshold = options.breakerThreshold ?? 3;
    this.cooldownMs = options.breakerCooldownMs ?? 30_000;
  }

  getStats(): QueueStats {
    return { queued: this.records.length, queuedBytes: this.bytes, ...this.stats };
  }

  /** True when a batch is full or its oldest record has waited the linger time. */
  isDue(): boolean {
    if (this.records.length === 0) return false;
    if (this.records.length >= this.options.batchSize || this.bytes >= MAX_BATCH_BYTES) return true;
    return this.oldestAt !== undefined && this.now() - this.oldestAt >= this.options.lingerMs;
  }

  push(record: EncodedRecord): void {
    if (this.records.length === 0) this.oldestAt = this.now();
    this.records.push(record);
    this.seqs.push(this.nextSeq++);
    this.bytes += recordBytes(record);
    this.trim();
    if (this.records.length >= this.options.batchSize || this.options.sendOnPush === true) {
      void this.sendOne(this.options.backgroundTimeoutMs);
    } else if (this.lingerTimer === undefined && this.options.lingerMs > 0) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = undefined;
        if (this.records.length > 0) void this.sendOne(this.options.backgroundTimeoutMs);
      }, this.options.lingerMs);
      this.lingerTimer.unref();
    }
  }

  /**
   * Sends what is pending, spending at most `budgetMs`. What is not sent stays queued for the next
   * boundary. Never throws.
   */
  async flush(budgetMs: number): Promise<void> {
    const deadline = this.now() + budgetMs;
    while (this.records.length > 0 || this.inFlight !== undefined) {
      const remaining = deadline - this.now();
      if (remaining <= 0 || this.breakerOpen()) return;
      // A send outliving the budget is not aborted (that would duplicate what a slow collector
      // still stores): it finishes in the background under its own timeout.
      const send = this.inFlight ?? this.sendOne(this.options.backgroundTimeoutMs);
      const result = await raceTimeout(send, remaining);
      if (result === undefined || result.kind === 'retryable') return;
    }
  }

  private breakerOpen(): boolean {
    return this.consecutiveFailures >= this.threshold && this.now() < this.openUntil;
  }

  private trim(): void {
    let dropped = 0;
    while (
      this.records.length > 1 &&
      (this.records.length > this.options.maxRecords || this.bytes > this.options.maxBytes)
    ) {
      const old = this.records.shift()!;
      this.seqs.shift();
      this.bytes -= recordBytes(old);
      dropped += 1;
    }
    if (dropped > 0) {
      this.stats.dropped += dropped;
      this.options.log.warnLimited('queue-drop', 'mirror queue full: dropped oldest records', {
        droppedTotal: this.stats.dropped,
        maxRecords: this.options.maxRecords,
        maxBytes: this.options.maxBytes,
      });
    }
  }

  private sendOne(timeoutMs: number): Promise<SendResult> {
    if (this.inFlight !== undefined) return this.inFlight;
    if (this.breakerOpen()) return Promise.resolve({ kind: 'retryable', reason: 'circuit-open' });
    // Bounded by count and by size: the collector takes at most 10 MB per request, and a big batch
    // would cost the extension several copies of itself in memory while being encoded.
    let take = 0;
    let size = 0;
    while (take < this.records.length && take < this.options.batchSize) {
      size += recordBytes(this.records[take]!);
      if (take > 0 && size > MAX_BATCH_BYTES) break;
      take += 1;
    }
    const batch = this.records.splice(0, take);
    const seqs = this.seqs.splice(0, take);
    if (this.records.length === 0) this.oldestAt = undefined;
    for (const r of batch) this.bytes -= recordBytes(r);
    const body = encodeBatchOf(batch.map((r) => r.json));
    // Named by its first record: a retried batch goes back to the front whole, so its next send starts
    // with the same record and carries the same records at the same indexes (perhaps followed by newer
    // ones). If the queue then has to drop that first record, the rest goes out under a new key.
    const key = `${this.keyPrefix}-${seqs[0]}`;
    const send = this.options.client.send(body, timeoutMs, key).then((result) => {
      this.inFlight = undefined;
      this.settle(batch, seqs, result);
      return result;
    });
    this.inFlight = send;
    return send;
  }

  private settle(batch: EncodedRecord[], seqs: number[], result: SendResult): void {
    const { log } = this.options;
    if (result.kind === 'ok') {
      if (this.consecutiveFailures >= this.threshold) log.info('collector reachable again');
      this.consecutiveFailures = 0;
      this.stats.sent += batch.length;
      // Records that arrived while this batch was in flight (concurrent invocations) follow it.
      if (this.options.sendOnPush === true && this.records.length > 0)
        void this.sendOne(this.options.backgroundTimeoutMs);
      return;
    }
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures >= this.threshold) this.openUntil = this.now() + this.cooldownMs;
    log.warnLimited(`collector-${result.reason}`, 'mirrored batch not delivered', {
      reason: result.reason,
      outcome: result.kind,
      ...(result.status !== undefined ? { status: result.status } : {}),
      records: batch.length,
    });
    if (result.kind === 'retryable') {
      // Back to the front, still bounded: the oldest go first if there is no room.
      this.records.unshift(...batch);
      this.seqs.unshift(...seqs);
      this.oldestAt ??= this.now();
      for (const r of batch) this.bytes += recordBytes(r);
      this.trim();
    } else {
      this.stats.failedBatches += 1;
      this.stats.dropped += batch.length;
    }
  }
}

function raceTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}
