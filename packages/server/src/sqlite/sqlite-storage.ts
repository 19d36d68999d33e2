/** The default wiring: the traffic log and the inventory in SQLite files under the data directory. */
import { SqliteTrafficLog } from '../log/sqlite-traffic-log.js';
import { SqliteInventoryQueries } from '../query/sqlite-inventory-queries.js';
import type { StorageFactories, StorageWiring } from '../storage.js';
import { SqliteInventoryStore } from '../store/sqlite-inventory-store.js';

export const storage: StorageFactories = {
  trafficLog: ({ dataDir, sync }) => SqliteTrafficLog.open(dataDir, sync),
  inventoryStore: ({ dataDir, sync }) => SqliteInventoryStore.open(dataDir, sync),
  inventoryQueries: ({ dataDir, sync }) => SqliteInventoryQueries.open(dataDir, sync),
};

export const sqliteStorage: StorageWiring = { factories: storage, module: new URL(import.meta.url) };
