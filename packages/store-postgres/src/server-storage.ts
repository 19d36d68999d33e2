/**
 * PostgreSQL inventory for `startServer`: the store and the queries on PostgreSQL, the traffic log
 * embedded (SQLite). Kept out of the package index because it loads the server; import it as
 * `@tapline/store-postgres/server-storage`.
 */
import type { StorageFactories, StorageSettings, StorageWiring } from '@tapline/server';
import { sqliteStorage } from '@tapline/server';
import { StorePostgresError, StorePostgresErrorCode } from './errors.js';
import { PostgresInventoryQueries } from './inventory/postgres-inventory-queries.js';
import { PostgresInventoryStore, type PostgresStoreOptions } from './inventory/postgres-inventory-store.js';

/** The settings the factories read: the server's, plus the `postgres://` URL of the store. */
export type PostgresStorageSettings = StorageSettings & { storeUrl?: string };

/** The two inventory factories on one PostgreSQL database; each call opens its own pool. */
export function postgresInventoryFactories(
  options: PostgresStoreOptions,
): Pick<StorageFactories, 'inventoryStore' | 'inventoryQueries'> {
  return {
    inventoryStore: () => PostgresInventoryStore.open(options),
    inventoryQueries: () => PostgresInventoryQueries.open(options),
  };
}

function urlOf(settings: PostgresStorageSettings): string {
  if (settings.storeUrl === undefined || settings.storeUrl === '')
    throw new StorePostgresError(
      StorePostgresErrorCode.Config,
      'the PostgreSQL storage needs a store URL: set --store / TAPLINE_STORE_URL',
    );
  return settings.storeUrl;
}

/**
 * Factories taking the store URL from the settings (`storeUrl`), so the engine thread, which imports
 * this module and gets only plain settings, opens the same database as the main thread.
 */
export const storage: StorageFactories = {
  trafficLog: (settings) => sqliteStorage.factories.trafficLog(settings),
  inventoryStore: (settings) =>
    PostgresInventoryStore.open({ url: urlOf(settings), applicationName: 'tapline-inventory' }),
  inventoryQueries: (settings) =>
    PostgresInventoryQueries.open({ url: urlOf(settings), applicationName: 'tapline-query' }),
};

export const postgresStorage: StorageWiring = { factories: storage, module: new URL(import.meta.url) };
