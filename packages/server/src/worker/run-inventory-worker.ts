import type { StorageFactories } from '../storage.js';
import { runInventoryLoop } from './inventory-loop.js';
import type { WakeSignal } from './wake-signal.js';
import type { WorkPosition } from './work-position.js';
import type { FromWorker, InventoryWorkerSettings } from './worker-protocol.js';

export interface WorkerControl {
  signal: WakeSignal;
  shouldStop(): boolean;
  position: WorkPosition;
  send(message: FromWorker): void;
}

/**
 * The inventory worker: opens its own log and store connections, runs the loop until told to stop,
 * closes them. The same code runs in the engine thread and inline on the main event loop.
 */
export async function runInventoryWorker(
  settings: InventoryWorkerSettings,
  storage: StorageFactories,
  control: WorkerControl,
): Promise<void> {
  const log = await storage.trafficLog(settings);
  try {
    const store = await storage.inventoryStore(settings);
    try {
      await runInventoryLoop({
        log,
        store,
        engineOptions: {
          maxEndpointsPerCollection: settings.maxEndpointsPerCollection,
          maxParametersPerEndpoint: settings.maxParametersPerEndpoint,
        },
        batchSize: settings.batchSize,
        commitEvery: settings.commitEvery,
        commitIntervalMs: settings.commitIntervalMs,
        workingSetBytes: settings.workingSetBytes,
        maxLoadsPerStep: settings.maxLoadsPerStep,
        retentionMs: settings.retentionMs,
        isolate: new Map(settings.isolate),
        position: control.position,
        waitForWork: (ms) => control.signal.wait(ms),
        shouldStop: control.shouldStop,
        onProgress: (progress) => control.send({ type: 'progress', progress }),
        onEvent: (event) => control.send({ type: 'event', event }),
        onError: (error) =>
          control.send({
            type: 'error',
            message: error instanceof Error ? (error.stack ?? error.message) : String(error),
          }),
      });
    } finally {
      await store.close();
    }
  } finally {
    await log.close();
  }
}
