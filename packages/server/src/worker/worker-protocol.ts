import type { SyncLevel } from '../config.js';
import type { InventoryProgress } from './inventory-loop.js';

export interface InventoryWorkerData {
  dataDir: string;
  sync: SyncLevel;
  retentionMs: number;
  batchSize: number;
  commitEvery: number;
  commitIntervalMs: number;
  /** Only when running from TypeScript sources: the module the bootstrap loads after registering tsx. */
  entry?: string;
  tsconfig?: string;
}

export type ToWorker = { type: 'wake' } | { type: 'stop' };
export type FromWorker =
  | { type: 'progress'; progress: InventoryProgress }
  | { type: 'error'; message: string }
  | { type: 'stopped' };
