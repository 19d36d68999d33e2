import type { SyncLevel } from '../config.js';
import type { InventoryEvent, InventoryProgress } from './inventory-loop.js';

/** Everything the inventory worker runs with; plain data, so it crosses into the engine thread. */
export interface InventoryWorkerSettings {
  dataDir: string;
  sync: SyncLevel;
  retentionMs: number;
  batchSize: number;
  commitEvery: number;
  commitIntervalMs: number;
  workingSetBytes: number;
  maxLoadsPerStep: number;
  maxEndpointsPerCollection: number;
  maxParametersPerEndpoint: number;
  /** [seq, reason]: records to set aside instead of applying. */
  isolate: [number, string][];
}

export interface InventoryWorkerData {
  settings: InventoryWorkerSettings;
  /** Module exporting `storage: StorageFactories`. */
  storageModule: string;
  /** Shared with the supervisor (see work-position.ts). */
  position: SharedArrayBuffer;
  /** Fault injection for tests: the thread exits as it is about to apply this seq. */
  exitAtSeq?: number;
  /** Only when running from TypeScript sources: the module the bootstrap loads after registering tsx. */
  entry?: string;
  tsconfig?: string;
}

export type ToWorker = { type: 'wake' } | { type: 'stop' };
export type FromWorker =
  | { type: 'progress'; progress: InventoryProgress }
  | { type: 'event'; event: InventoryEvent }
  | { type: 'error'; message: string }
  | { type: 'stopped' };
