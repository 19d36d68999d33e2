import {
  type CollectionPerformanceRow,
  type CollectionRow,
  type EndpointFunctionsRow,
  type EndpointPerformanceRow,
  type EndpointRow,
  type HourlyCountRow,
  type HourlyPerformanceRow,
  type InventoryChanges,
  type InventoryPart,
  type InventorySnapshot,
  type IsolatedRecord,
  isOpenHour,
  type ParameterRow,
  type SampleRow,
} from '@tapline/inventory';

/**
 * The inventory's rows in memory, applying `InventoryChanges` the way a store must (upserts, removals,
 * sample lists replaced, checkpoint last). A reference for engine tests and for the store contract suite.
 */
export class InMemoryInventoryRows {
  checkpoint = 0;
  readonly collections = new Map<string, CollectionRow>();
  readonly endpoints = new Map<string, EndpointRow>();
  readonly parameters = new Map<string, ParameterRow>();
  readonly samples = new Map<string, SampleRow[]>();
  readonly hourly = new Map<string, HourlyCountRow>();
  readonly isolated = new Map<number, IsolatedRecord>();
  readonly endpointPerformance = new Map<string, EndpointPerformanceRow>();
  readonly hourlyPerformance = new Map<string, HourlyPerformanceRow>();
  readonly collectionPerformance = new Map<string, CollectionPerformanceRow>();
  readonly functions = new Map<string, EndpointFunctionsRow>();

  commit(changes: InventoryChanges): void {
    const copy = structuredClone(changes);
    for (const id of copy.removedEndpointIds) {
      this.endpoints.delete(id);
      this.samples.delete(id);
      for (const [key, p] of this.parameters) if (p.endpointId === id) this.parameters.delete(key);
      for (const [key, h] of this.hourly) if (h.endpointId === id) this.hourly.delete(key);
      this.endpointPerformance.delete(id);
      this.functions.delete(id);
      for (const [key, h] of this.hourlyPerformance)
        if (h.endpointId === id) this.hourlyPerformance.delete(key);
    }
    const perf = copy.performance;
    for (const row of perf.endpoints) this.endpointPerformance.set(row.endpointId, row);
    for (const row of perf.hourly) this.hourlyPerformance.set(`${row.endpointId} ${row.hour}`, row);
    for (const row of perf.collections) this.collectionPerformance.set(row.collectionId, row);
    for (const row of perf.functions) this.functions.set(row.endpointId, row);
    for (const row of copy.collections) this.collections.set(row.id, row);
    for (const row of copy.endpoints) this.endpoints.set(row.id, row);
    for (const row of copy.parameters) this.parameters.set(row.id, row);
    for (const row of copy.hourly) this.hourly.set(`${row.endpointId} ${row.hour}`, row);
    for (const entry of copy.samples) this.samples.set(entry.endpointId, entry.samples);
    for (const entry of copy.isolated ?? []) this.isolated.set(entry.seq, entry);
    this.checkpoint = copy.checkpoint;
  }

  /**
   * The rows of the given collections (unknown ids are left out); of the hourly performance rows only the
   * open hours (what the engine keeps), unless `allHours`.
   */
  load(collectionIds: readonly string[], allHours = false): InventoryPart {
    const wanted = new Set(collectionIds);
    const endpoints = [...this.endpoints.values()].filter((e) => wanted.has(e.collectionId));
    const ids = new Set(endpoints.map((e) => e.id));
    return structuredClone({
      collections: [...this.collections.values()].filter((c) => wanted.has(c.id)),
      endpoints,
      parameters: [...this.parameters.values()].filter((p) => ids.has(p.endpointId)),
      samples: [...ids].flatMap((id) => this.samples.get(id) ?? []),
      hourly: [...this.hourly.values()].filter((h) => ids.has(h.endpointId)),
      performance: {
        endpoints: [...this.endpointPerformance.values()].filter((p) => ids.has(p.endpointId)),
        hourly: [...this.hourlyPerformance.values()].filter((h) => {
          const newest = this.endpointPerformance.get(h.endpointId)?.newestHour;
          return ids.has(h.endpointId) && (allHours || (newest !== undefined && isOpenHour(h.hour, newest)));
        }),
        collections: [...this.collectionPerformance.values()].filter((c) => wanted.has(c.collectionId)),
        functions: [...this.functions.values()].filter((f) => ids.has(f.endpointId)),
      },
    });
  }

  /** Everything, every hour included (what `loadSnapshot` returns). */
  snapshot(): InventorySnapshot {
    return { checkpoint: this.checkpoint, ...this.load([...this.collections.keys()], true) };
  }
}
