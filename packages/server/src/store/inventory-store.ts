import type { InventoryChanges, InventoryPart, InventorySnapshot } from '@tapline/inventory';

/**
 * Where the inventory lives: the source of truth the engine's working set is loaded from and committed
 * to. SQLite implements it (sqlite-inventory-store.ts); every implementation runs testkit's
 * `inventoryStoreContract`.
 */
export interface InventoryStore {
  /** Writes all changes, the isolated records and the checkpoint in ONE transaction. */
  commit(changes: InventoryChanges): Promise<void>;
  /** Seq of the last record whose effects are committed; 0 when empty. */
  checkpoint(): Promise<number>;
  /** Every row of the given collections (ids the store does not have are left out). */
  loadCollections(collectionIds: readonly string[]): Promise<InventoryPart>;
  /** The whole inventory at its checkpoint (tools and tests; the engine loads on demand). */
  loadSnapshot(): Promise<InventorySnapshot>;
  endpointCount(): Promise<number>;
  /** Records set aside so far. */
  isolatedCount(): Promise<number>;
  /** Totals of what the cardinality caps kept out, over all collections. */
  overCapTotals(): Promise<{ calls: number; values: number }>;
  close(): Promise<void>;
}
