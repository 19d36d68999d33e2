export { canonicalRows } from './canonical-rows.js';
export { type DurableLog, durableLogContract } from './durable-log-contract.js';
export { inventoryQueriesContract, type QueriesUnderTest } from './inventory-queries-contract.js';
export { contractTraffic, inventoryStoreContract } from './inventory-store-contract.js';
export type { FreshStorage, StorageUnderTest } from './storage-under-test.js';
export { trafficLogContract } from './traffic-log-contract.js';
