import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SyncLevel, WorkerMode } from '../config.js';
import { ServerError, ServerErrorCode } from '../errors.js';
import { SqliteInventoryStore } from '../sqlite/sqlite-inventory-store.js';
import { SqliteTrafficLog } from '../sqlite/sqlite-traffic-log.js';
import { type InventoryProgress, runInventoryLoop } from './inventory-loop.js';
import { WakeSignal } from './wake-signal.js';
import type { FromWorker, InventoryWorkerData, ToWorker } from './worker-protocol.js';

export interface InventoryWorkerOptions {
  mode: WorkerMode;
  dataDir: string;
  sync: SyncLevel;
  retentionMs: number;
  /** Old-generation limit of the engine thread (thread mode only). */
  heapMb?: number;
  batchSize?: number;
  onProgress: (progress: InventoryProgress) => void;
  onError: (message: string) => void;
}

export interface InventoryWorkerHandle {
  /** New records were appended. */
  wake(): void;
  /** Finishes the current batch, closes its connections. */
  stop(): Promise<void>;
}

const DEFAULT_BATCH = 5_000;
/** Under sustained load: commit at least every second or every 50,000 records. */
const COMMIT_EVERY = 50_000;
const COMMIT_INTERVAL_MS = 1_000;

/** Starts the engine loop in a worker thread (default) or inline; resolves once it has loaded its snapshot. */
export function startInventoryWorker(options: InventoryWorkerOptions): Promise<InventoryWorkerHandle> {
  return options.mode === 'inline' ? startInline(options) : startThread(options);
}

async function startInline(options: InventoryWorkerOptions): Promise<InventoryWorkerHandle> {
  const { InventoryEngine } = await import('@tapline/inventory');
  const log = await SqliteTrafficLog.open(options.dataDir, options.sync);
  const store = await SqliteInventoryStore.open(options.dataDir, options.sync);
  const signal = new WakeSignal();
  let stopping = false;
  let ready: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const done = runInventoryLoop({
    log,
    store,
    createEngine: (engineOptions, snapshot) => new InventoryEngine(engineOptions, snapshot),
    batchSize: options.batchSize ?? DEFAULT_BATCH,
    commitEvery: COMMIT_EVERY,
    commitIntervalMs: COMMIT_INTERVAL_MS,
    retentionMs: options.retentionMs,
    waitForWork: (ms) => signal.wait(ms),
    shouldStop: () => stopping,
    onProgress: (progress) => {
      options.onProgress(progress);
      ready();
    },
    onError: (error) =>
      options.onError(error instanceof Error ? (error.stack ?? error.message) : String(error)),
  }).finally(async () => {
    await log.close();
    await store.close();
  });
  await Promise.race([started, done]);
  return {
    wake: () => signal.wake(),
    stop: async () => {
      stopping = true;
      signal.wake();
      await done;
    },
  };
}

function threadTarget(
  batchSize: number,
  options: InventoryWorkerOptions,
): { url: URL; data: InventoryWorkerData } {
  const data: InventoryWorkerData = {
    dataDir: options.dataDir,
    sync: options.sync,
    retentionMs: options.retentionMs,
    batchSize,
    commitEvery: COMMIT_EVERY,
    commitIntervalMs: COMMIT_INTERVAL_MS,
  };
  if (import.meta.url.endsWith('.ts')) {
    // Running from sources (vitest, tsx): the thread needs tsx and source paths for @tapline/*.
    data.entry = new URL('./thread-entry.ts', import.meta.url).href;
    data.tsconfig = fileURLToPath(new URL('../../tsx-sources.tsconfig.json', import.meta.url));
    return { url: new URL('./source-bootstrap.mjs', import.meta.url), data };
  }
  return { url: new URL('./thread-entry.js', import.meta.url), data };
}

const RESTART_DELAY_MS = 1_000;

/**
 * Runs the loop in a worker thread with its own SQLite connections. If the thread dies (out of
 * memory, a bug), it is restarted after a pause: the engine reloads from the committed snapshot,
 * so nothing is lost.
 */
function startThread(options: InventoryWorkerOptions): Promise<InventoryWorkerHandle> {
  const { url, data } = threadTarget(options.batchSize ?? DEFAULT_BATCH, options);
  let worker: Worker | undefined;
  let stopping = false;
  let stopped: (() => void) | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  const send = (message: ToWorker) => worker?.postMessage(message);

  return new Promise((resolve, reject) => {
    let started = false;
    const spawnThread = () => {
      const current = new Worker(url, {
        workerData: data,
        ...(options.heapMb === undefined
          ? {}
          : { resourceLimits: { maxOldGenerationSizeMb: options.heapMb } }),
      });
      worker = current;
      current.on('message', (message: FromWorker) => {
        if (message.type === 'progress') {
          options.onProgress(message.progress);
          if (!started) {
            started = true;
            resolve(handle);
          }
        } else if (message.type === 'error') {
          options.onError(message.message);
        }
      });
      current.on('error', (error) => {
        const hint =
          (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? ' (raise TAPLINE_ENGINE_HEAP_MB)'
            : '';
        options.onError(`inventory worker failed${hint}: ${error.stack ?? error.message}`);
        if (!started) {
          reject(
            new ServerError(ServerErrorCode.Worker, `inventory worker failed to start: ${error.message}`, {
              cause: error,
            }),
          );
        }
      });
      current.on('exit', (code) => {
        worker = undefined;
        if (stopping) return stopped?.();
        if (!started) {
          reject(
            new ServerError(
              ServerErrorCode.Worker,
              `inventory worker exited with code ${code} before starting`,
            ),
          );
          return;
        }
        options.onError(`inventory worker exited unexpectedly with code ${code}; restarting`);
        restartTimer = setTimeout(spawnThread, RESTART_DELAY_MS);
      });
    };
    const handle: InventoryWorkerHandle = {
      wake: () => send({ type: 'wake' }),
      stop: () =>
        new Promise<void>((done) => {
          stopping = true;
          clearTimeout(restartTimer);
          if (worker === undefined) return done();
          stopped = done;
          send({ type: 'stop' });
        }),
    };
    spawnThread();
  });
}
