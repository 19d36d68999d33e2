export * from './connection.js';
export * from './errors.js';
export * from './migrate.js';
export { MIGRATIONS, migrationProvider } from './migrations/index.js';
export * from './partition-batch.js';
export * from './partition-leases.js';
export * from './partition-worker.js';
export type * from './schema.js';
export * from './inventory-partition-worker.js';
