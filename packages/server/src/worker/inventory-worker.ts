import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SyncLevel, WorkerMode } from '../config.js';
import { ServerError, ServerErrorCode } from '../errors.js';
import type { StorageWiring } from '../storage.js';
import { CrashIsolation, type WorkSizes } from './crash-isolation.js';
import type { InventoryEvent, InventoryProgress } from './inventory-loop.js';
import { runInventoryWorker } from './run-inventory-worker.js';
import { WakeSignal } from './wake-signal.js';
import { WorkPosition } from './work-position.js';
import type {
  FromWorker,
  InventoryWorkerData,
  InventoryWorkerSettings,
  ToWorker,
} from './worker-protocol.js';

export interface InventoryWorkerOptions {
  mode: WorkerMode;
  storage: StorageWiring;
  dataDir: string;
  sync: SyncLevel;
  retentionMs: number;
  workingSetBytes: number;
  maxEndpointsPerCollection: number;
  maxParametersPerEndpoint: number;
  /** Old-generation limit of the engine thread (thread mode only). */
  heapMb?: number;
  batchSize?: number;
  /** Fault injection for tests (thread mode): the thread exits as it is about to apply this seq. */
  exitAtSeq?: number;
  onProgress: (progress: InventoryProgress) => void;
  onEvent: (event: InventoryEvent) => void;
  onError: (message: string) => void;
}

export interface InventoryWorkerHandle {
  /** New records were appended. */
  wake(): void;
  /** Finishes the current batch, closes its connections. */
  stop(): Promise<void>;
}

const DEFAULT_SIZES: WorkSizes = {
  batchSize: 5_000,
  /** Under sustained load: commit at least every second or every 50,000 records. */
  commitEvery: 50_000,
  maxLoadsPerStep: 1_000,
};
const COMMIT_INTERVAL_MS = 1_000;
/**
 * The engine thread's young generation: a quarter of its old-generation limit, at most 64 MB. Each record
 * leaves parsed bodies and rows behind; V8's default nursery is small enough that much of it is promoted
 * and collected again as old. 64 MB runs the inventory-scale benches about 10 % faster for about 55 MB of
 * RSS (docs/benchmarks.md).
 */
const youngGenerationMb = (heapMb: number) => Math.min(64, Math.floor(heapMb / 4));

/** Starts the engine loop in a worker thread (default) or inline; resolves once it has started. */
export function startInventoryWorker(options: InventoryWorkerOptions): Promise<InventoryWorkerHandle> {
  return options.mode === 'inline' ? startInline(options) : startThread(options);
}

function settingsOf(
  options: InventoryWorkerOptions,
  sizes: WorkSizes,
  isolate: [number, string][],
): InventoryWorkerSettings {
  return {
    dataDir: options.dataDir,
    sync: options.sync,
    retentionMs: options.retentionMs,
    ...sizes,
    commitIntervalMs: COMMIT_INTERVAL_MS,
    workingSetBytes: options.workingSetBytes,
    maxEndpointsPerCollection: options.maxEndpointsPerCollection,
    maxParametersPerEndpoint: options.maxParametersPerEndpoint,
    isolate,
  };
}

function baseSizes(options: InventoryWorkerOptions): WorkSizes {
  return { ...DEFAULT_SIZES, batchSize: options.batchSize ?? DEFAULT_SIZES.batchSize };
}

async function startInline(options: InventoryWorkerOptions): Promise<InventoryWorkerHandle> {
  const signal = new WakeSignal();
  let stopping = false;
  let ready: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const done = runInventoryWorker(settingsOf(options, baseSizes(options), []), options.storage.factories, {
    signal,
    shouldStop: () => stopping,
    position: new WorkPosition(),
    send: (message) => {
      if (message.type === 'progress') {
        options.onProgress(message.progress);
        ready();
      } else if (message.type === 'event') options.onEvent(message.event);
      else if (message.type === 'error') options.onError(message.message);
    },
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

function threadTarget(data: Omit<InventoryWorkerData, 'entry' | 'tsconfig'>): {
  url: URL;
  data: InventoryWorkerData;
} {
  if (import.meta.url.endsWith('.ts')) {
    // Running from sources (vitest, tsx): the thread needs tsx and source paths for @tapline/*.
    return {
      url: new URL('./source-bootstrap.mjs', import.meta.url),
      data: {
        ...data,
        entry: new URL('./thread-entry.ts', import.meta.url).href,
        tsconfig: fileURLToPath(new URL('../../tsx-sources.tsconfig.json', import.meta.url)),
      },
    };
  }
  return { url: new URL('./thread-entry.js', import.meta.url), data };
}

/**
 * Runs the loop in a worker thread with its own storage connections. If the thread dies (out of
 * memory, a bug), it is restarted: the engine resumes from the committed checkpoint, so nothing is
 * lost, and `CrashIsolation` sets aside a record that keeps killing it, so a death cannot repeat forever.
 */
function startThread(options: InventoryWorkerOptions): Promise<InventoryWorkerHandle> {
  const position = WorkPosition.shared();
  const isolation = new CrashIsolation(baseSizes(options));
  let worker: Worker | undefined;
  let stopping = false;
  let stopped: (() => void) | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let lastFailure = 'exited';
  const send = (message: ToWorker) => worker?.postMessage(message);

  return new Promise((resolve, reject) => {
    let started = false;
    const spawnThread = () => {
      position.set(0, 0, 0);
      const { url, data } = threadTarget({
        settings: settingsOf(options, isolation.sizes(), isolation.isolated()),
        storageModule: options.storage.module.href,
        position: position.buffer as SharedArrayBuffer,
        ...(options.exitAtSeq === undefined ? {} : { exitAtSeq: options.exitAtSeq }),
      });
      const current = new Worker(url, {
        workerData: data,
        ...(options.heapMb === undefined
          ? {}
          : {
              resourceLimits: {
                maxOldGenerationSizeMb: options.heapMb,
                maxYoungGenerationSizeMb: youngGenerationMb(options.heapMb),
              },
            }),
      });
      worker = current;
      lastFailure = 'exited';
      current.on('message', (message: FromWorker) => {
        if (message.type === 'progress') {
          isolation.progressed(message.progress.checkpoint);
          options.onProgress(message.progress);
          if (!started) {
            started = true;
            resolve(handle);
          }
        } else if (message.type === 'event') {
          options.onEvent(message.event);
        } else if (message.type === 'error') {
          options.onError(message.message);
        }
      });
      current.on('error', (error) => {
        lastFailure = (error as { code?: string }).code ?? error.message;
        options.onError(`inventory worker failed: ${error.stack ?? error.message}`);
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
        const at = position.read();
        const cause = lastFailure === 'exited' ? `exit code ${code}` : lastFailure;
        const isolated = isolation.recordDeath(at, cause);
        const delay = isolation.restartDelayMs();
        options.onError(
          `inventory worker died (${cause}) at stage ${at.stage}, seqs ${at.firstSeq}..${at.lastSeq}; ` +
            (isolated === undefined ? '' : `record ${isolated} will be set aside; `) +
            `restarting in ${delay} ms`,
        );
        restartTimer = setTimeout(spawnThread, delay);
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
