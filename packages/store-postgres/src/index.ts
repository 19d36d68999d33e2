export * from './connection.js';
export * from './errors.js';
export type { InventoryTables } from './inventory/inventory-schema.js';
export { loadCollections } from './inventory/load-inventory.js';
export { PostgresInventoryQueries } from './inventory/postgres-inventory-queries.js';
export {
  INVENTORY_CHECKPOINT_KEY,
  inventoryTotals,
  openInventoryDatabase,
  PostgresInventoryStore,
  type PostgresStoreOptions,
} from './inventory/postgres-inventory-store.js';
export { writeInventoryChanges } from './inventory/write-inventory-changes.js';
export * from './inventory-partition-worker.js';
export * from './migrate.js';
export { MIGRATIONS, migrationProvider } from './migrations/index.js';
export * from './partition-batch.js';
export * from './partition-leases.js';
export * from './partition-worker.js';
export type * from './schema.js';
