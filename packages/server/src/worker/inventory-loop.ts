import {
  InventoryEngine,
  type InventoryOptions,
  type IsolatedRecord,
  type LoggedRecord,
} from '@tapline/inventory';
import type { TrafficLog } from '../log/traffic-log.js';
import type { InventoryStore } from '../store/inventory-store.js';
import { Stage, WorkPosition } from './work-position.js';

export interface InventoryProgress {
  /** Seq of the last record whose effects are committed. */
  checkpoint: number;
  /** Records applied since this loop started (filtered ones included). */
  processed: number;
  filtered: number;
  /** Totals in the store. */
  endpoints: number;
  isolated: number;
  callsOverEndpointCap: number;
  valuesOverParameterCap: number;
  /** The engine's working set after the last commit. */
  workingSetBytes: number;
  residentCollections: number;
}

/** Things worth one log line each. */
export type InventoryEvent =
  | { type: 'isolated'; seq: number; reason: string }
  | { type: 'cap-reached'; collectionId: string; name: string; cap: 'endpoints' | 'parameters' };

export interface InventoryLoopOptions {
  log: TrafficLog;
  store: InventoryStore;
  engineOptions?: InventoryOptions;
  /** Records read and applied per iteration. */
  batchSize: number;
  /** Commit once this many records are applied but not committed (or the log is drained). */
  commitEvery: number;
  /** ... or once the last commit is this old. */
  commitIntervalMs: number;
  /** Estimated bytes the engine may hold; past it, it commits and lets committed collections go. */
  workingSetBytes: number;
  /** Collections loaded from the store per step at most (bounds what one step brings into memory). */
  maxLoadsPerStep?: number;
  /** Processed records older than this (ms) are pruned from the log. */
  retentionMs: number;
  /** How often to prune; default 5 s. */
  pruneEveryMs?: number;
  /** Seqs to set aside instead of applying, with why (they killed the engine thread on every attempt). */
  isolate?: ReadonlyMap<number, string>;
  /** Where the loop reports what it is doing (shared with the supervisor of the engine thread). */
  position?: WorkPosition;
  /** Resolves when new traffic may be there, or after `ms`. */
  waitForWork: (ms: number) => Promise<void>;
  shouldStop: () => boolean;
  onProgress: (progress: InventoryProgress) => void;
  onEvent?: (event: InventoryEvent) => void;
  onError: (error: unknown) => void;
}

const IDLE_POLL_MS = 250;
const PRUNE_EVERY_MS = 5_000;
const PRUNE_CHUNK = 5_000;
const RETRY_AFTER_ERROR_MS = 1_000;
const MAX_LOADS_PER_STEP = 1_000;
/** Records applied per step at most: the budget is checked between steps, so this bounds the overshoot. */
const MAX_RECORDS_PER_STEP = 500;
/** What a collection not yet measured is assumed to hold when sizing a step's loads. */
const ASSUMED_COLLECTION_BYTES = 64 * 1024;
/** After a commit, evict down to this share of the budget, so the next records have room to load. */
const EVICT_TO_SHARE = 0.75;

/**
 * readAfter(checkpoint) → load the collections the records need → engine.apply → takeChanges →
 * store.commit (aggregates + checkpoint in one transaction) → evict committed collections → prune.
 * At-least-once and idempotent: a crash between two commits replays the log from the committed
 * checkpoint into an engine that loads the committed rows again.
 */
export async function runInventoryLoop(options: InventoryLoopOptions): Promise<void> {
  const { log, store } = options;
  const position = options.position ?? new WorkPosition();
  const isolate = new Map(options.isolate ?? []);
  const maxLoads = options.maxLoadsPerStep ?? MAX_LOADS_PER_STEP;
  const resume = async () => InventoryEngine.resume(options.engineOptions ?? {}, await store.checkpoint());
  let engine = await resume();
  const totals = await store.overCapTotals();
  const progress: InventoryProgress = {
    checkpoint: engine.checkpoint,
    processed: 0,
    filtered: 0,
    endpoints: await store.endpointCount(),
    isolated: await store.isolatedCount(),
    callsOverEndpointCap: totals.calls,
    valuesOverParameterCap: totals.values,
    workingSetBytes: 0,
    residentCollections: 0,
  };
  options.onProgress({ ...progress });
  let lastPrune = 0;
  let pending = 0;
  let lastCommit = Date.now();

  const commit = async (isolated?: IsolatedRecord) => {
    const changes = engine.takeChanges();
    if (isolated !== undefined) changes.isolated = [isolated];
    position.set(Stage.Committing, progress.checkpoint + 1, changes.checkpoint);
    await store.commit(changes);
    position.set(Stage.Idle, 0, 0);
    pending = 0;
    lastCommit = Date.now();
    progress.checkpoint = changes.checkpoint;
    // The engine counts kept and filtered records separately; `processed` here is every applied record.
    progress.processed += changes.processed + changes.filtered;
    progress.filtered += changes.filtered;
    progress.endpoints += changes.endpointsCreated - changes.removedEndpointIds.length;
    progress.callsOverEndpointCap += changes.overCap.calls;
    progress.valuesOverParameterCap += changes.overCap.values;
    for (const reached of changes.overCap.reached) options.onEvent?.({ type: 'cap-reached', ...reached });
    if (isolated !== undefined) {
      progress.isolated++;
      options.onEvent?.({ type: 'isolated', seq: isolated.seq, reason: isolated.reason });
    }
    engine.evict(Math.floor(options.workingSetBytes * EVICT_TO_SHARE));
    progress.workingSetBytes = engine.workingSetBytes;
    progress.residentCollections = engine.residentCollections;
    options.onProgress({ ...progress });
  };

  /**
   * How many collections the next step may load: what the room left in the budget holds at the size of
   * the collections in memory (at least one, so a record is never stuck).
   */
  const loadsForNextStep = () => {
    const average =
      engine.residentCollections === 0
        ? ASSUMED_COLLECTION_BYTES
        : Math.max(ASSUMED_COLLECTION_BYTES, engine.workingSetBytes / engine.residentCollections);
    const room = Math.max(0, options.workingSetBytes - engine.workingSetBytes);
    return Math.max(1, Math.min(maxLoads, Math.floor(room / average)));
  };

  /** Applies records in steps that load what fits in the budget; commits and evicts when it is full. */
  const applyRecords = async (records: readonly LoggedRecord[]) => {
    let rest = records;
    while (rest.length > 0) {
      const head = rest.length > MAX_RECORDS_PER_STEP ? rest.slice(0, MAX_RECORDS_PER_STEP) : rest;
      const plan = engine.planLoads(head, loadsForNextStep());
      const step = plan.records === rest.length ? rest : rest.slice(0, plan.records);
      if (plan.collectionIds.length > 0) {
        position.set(Stage.Loading, (step[0] as LoggedRecord).seq, (step.at(-1) as LoggedRecord).seq);
        engine.admit(await store.loadCollections(plan.collectionIds));
      }
      engine.apply(step, (seq) => position.set(Stage.Applying, seq, seq));
      position.set(Stage.Idle, 0, 0);
      pending += step.length;
      rest = step === rest ? [] : rest.slice(plan.records);
      if (engine.workingSetBytes > options.workingSetBytes) await commit();
    }
  };

  while (!options.shouldStop()) {
    try {
      position.set(Stage.Reading, engine.checkpoint + 1, 0);
      const batch = await log.readAfter(engine.checkpoint, options.batchSize);
      position.set(Stage.Idle, 0, 0);
      let start = 0;
      for (let i = 0; i < batch.length && isolate.size > 0; i++) {
        const item = batch[i] as LoggedRecord;
        const reason = isolate.get(item.seq);
        if (reason === undefined) continue;
        await applyRecords(batch.slice(start, i));
        engine.passOver(item.seq);
        await commit({ seq: item.seq, reason, record: item.record, isolatedAt: Date.now() });
        isolate.delete(item.seq);
        start = i + 1;
      }
      await applyRecords(start === 0 ? batch : batch.slice(start));
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
      // The engine catches what a record makes it throw; anything escaping while applying one record
      // sets that record aside on the replay, so it cannot stall the log.
      const at = position.read();
      if (at.stage === Stage.Applying && at.firstSeq > progress.checkpoint && !isolate.has(at.firstSeq)) {
        isolate.set(at.firstSeq, `the engine failed applying it: ${describe(error)}`);
      }
      position.set(Stage.Idle, 0, 0);
      // The engine may hold effects that were never committed: start again from the store.
      await options.waitForWork(RETRY_AFTER_ERROR_MS);
      try {
        engine = await resume();
        pending = 0;
        progress.checkpoint = engine.checkpoint;
      } catch (reloadError) {
        options.onError(reloadError);
      }
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
