import type { SyncLevel } from './config.js';
import type { TrafficLog } from './log/traffic-log.js';
import type { InventoryQueries } from './query/inventory-queries.js';
import type { InventoryStore } from './store/inventory-store.js';

/** What a storage implementation is opened with. */
export interface StorageSettings {
  dataDir: string;
  sync: SyncLevel;
}

/** Opens the three storage seams; each call opens its own connection(s). */
export interface StorageFactories {
  trafficLog(settings: StorageSettings): Promise<TrafficLog>;
  inventoryStore(settings: StorageSettings): Promise<InventoryStore>;
  inventoryQueries(settings: StorageSettings): Promise<InventoryQueries>;
}

/**
 * Storage for `startServer`: the factories, and the module that exports them as `storage` (the engine
 * thread imports it to open its own connections, since functions do not cross threads).
 */
export interface StorageWiring {
  factories: StorageFactories;
  module: URL;
}
