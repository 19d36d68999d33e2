import type { TrafficRecord } from '@tapline/contracts';
import type { InventoryEngine, InventoryOptions } from '@tapline/inventory';
import type { InventoryStore, TrafficLog } from '../ports.js';

export interface InventoryProgress {
  /** Seq of the last record whose effects are committed. */
  checkpoint: number;
  /** Records applied since this loop started (filtered ones included). */
  processed: number;
  filtered: number;
  endpoints: number;
}

export interface InventoryLoopOptions {
  log: TrafficLog;
  store: InventoryStore;
  createEngine: (
    options: InventoryOptions,
    snapshot: Awaited<ReturnType<InventoryStore['loadSnapshot']>>,
  ) => InventoryEngine;
  engineOptions?: InventoryOptions;
  /** Records read and applied per iteration. */
  batchSize: number;
  /** Commit once this many records are applied but not committed (or the log is drained). */
  commitEvery: number;
  /** ... or once the last commit is this old. */
  commitIntervalMs: number;
  /** Processed records older than this (ms) are pruned from the log. */
  retentionMs: number;
  /** How often to prune; default 5 s. */
  pruneEveryMs?: number;
  /** Resolves when new traffic may be there, or after `ms`. */
  waitForWork: (ms: number) => Promise<void>;
  shouldStop: () => boolean;
  onProgress: (progress: InventoryProgress) => void;
  onError: (error: unknown) => void;
}

const IDLE_POLL_MS = 250;
const PRUNE_EVERY_MS = 5_000;
const PRUNE_CHUNK = 5_000;
const RETRY_AFTER_ERROR_MS = 1_000;

/**
 * readAfter(checkpoint) → engine.apply → takeChanges → store.commit (aggregates + checkpoint in one
 * transaction) → prune. At-least-once and idempotent: a crash between two commits replays the log
 * from the committed checkpoint into an engine rebuilt from the committed snapshot.
 */
export async function runInventoryLoop(options: InventoryLoopOptions): Promise<void> {
  const { log, store } = options;
  const load = async () => options.createEngine(options.engineOptions ?? {}, await store.loadSnapshot());
  let engine = await load();
  const progress: InventoryProgress = {
    checkpoint: engine.checkpoint,
    processed: 0,
    filtered: 0,
    endpoints: await store.endpointCount(),
  };
  options.onProgress({ ...progress });
  let lastPrune = 0;
  let pending = 0;
  let lastCommit = Date.now();
  const commit = async () => {
    const changes = engine.takeChanges();
    await store.commit(changes);
    pending = 0;
    lastCommit = Date.now();
    progress.checkpoint = changes.checkpoint;
    // The engine counts kept and filtered records separately; `processed` here is every applied record.
    progress.processed += changes.processed + changes.filtered;
    progress.filtered += changes.filtered;
    if (changes.endpoints.length > 0 || changes.removedEndpointIds.length > 0) {
      progress.endpoints = await store.endpointCount();
    }
    options.onProgress({ ...progress });
  };
  while (!options.shouldStop()) {
    try {
      const batch = await log.readAfter(engine.checkpoint, options.batchSize);
      if (batch.length > 0) {
        try {
          engine.apply(batch);
          pending += batch.length;
        } catch (error) {
          // Some record makes the engine throw: find it without letting it stall the log forever.
          options.onError(error);
          engine = await load();
          for (const item of batch) {
            try {
              engine.apply([item]);
              await commit();
            } catch (recordError) {
              options.onError(recordError);
              engine = await load();
              engine.apply([{ seq: item.seq, record: skippedRecord(item.record) }]);
              await commit();
            }
          }
        }
      }
      const drained = batch.length < options.batchSize;
      // Under load, commit every `commitEvery` records or `commitIntervalMs`: each commit rewrites
      // every touched row, so fewer, larger commits cost less per record. Idle: commit at once.
      if (
        pending > 0 &&
        (drained || pending >= options.commitEvery || Date.now() - lastCommit >= options.commitIntervalMs)
      ) {
        await commit();
      }
      const now = Date.now();
      if (now - lastPrune >= (options.pruneEveryMs ?? PRUNE_EVERY_MS)) {
        lastPrune = now;
        await log.pruneProcessed({
          processedUpTo: progress.checkpoint,
          receivedBefore: now - options.retentionMs,
          limit: PRUNE_CHUNK,
        });
      }
      if (drained) await options.waitForWork(IDLE_POLL_MS);
    } catch (error) {
      options.onError(error);
      // The engine may hold effects that were never committed: rebuild it from the store.
      await options.waitForWork(RETRY_AFTER_ERROR_MS);
      try {
        engine = await load();
        pending = 0;
        progress.checkpoint = engine.checkpoint;
      } catch (reloadError) {
        options.onError(reloadError);
      }
    }
  }
}

/** Stands in for a record the engine cannot handle: same seq, and one the default filters skip. */
function skippedRecord(record: TrafficRecord): TrafficRecord {
  return {
    ...record,
    path: '/health/tapline-skipped-record',
    statusCode: 599,
    requestPayload: '',
    responsePayload: '',
  };
}
