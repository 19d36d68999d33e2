import type { PerformanceBook } from './endpoint-performance.js';
import {
  bucketsFor,
  type CollectionState,
  copyCollectionRow,
  copyEndpointRow,
  copyParameterRow,
  copySample,
  type EndpointState,
  freezeSample,
  maskFlagOf,
  newEndpointState,
  secretFor,
} from './endpoint-state.js';
import type { CollectionRow, InventoryPart } from './inventory-types.js';
import { siblingGroupKeys } from './sibling-merge.js';
import {
  COLLECTION_BYTES,
  ENDPOINT_BYTES,
  endpointBytes,
  evictionOrder,
  PARAMETER_BYTES,
  sampleBytes,
} from './working-set.js';

/**
 * The collections in memory (the working set), their endpoints by id, and the estimated heap they hold
 * (see working-set.ts). Collections enter by `newCollection` or `admit` and leave by `evict`.
 */
export class ResidentInventory {
  readonly collections = new Map<string, CollectionState>();
  readonly endpointsById = new Map<string, EndpointState>();
  /** Estimated heap held by the collections in memory. */
  bytes = 0;
  /** Counts the engine's applies; a collection's `lastUsed` is the tick that last touched it. */
  tick = 0;

  /** Performance state lives and leaves with its collection. */
  constructor(private readonly performance: PerformanceBook) {}

  grow(c: CollectionState, bytes: number): void {
    c.bytes += bytes;
    this.bytes += bytes;
  }

  /** A collection's state, counted in the working set; the caller puts it in `collections`. */
  newCollection(row: CollectionRow): CollectionState {
    const c: CollectionState = {
      row,
      endpoints: new Map(),
      stringTemplates: [],
      routeCache: new Map(),
      siblingGroups: new Map(),
      dirty: false,
      bytes: 0,
      lastUsed: this.tick,
    };
    this.grow(c, COLLECTION_BYTES);
    return c;
  }

  registerEndpoint(ep: EndpointState): void {
    const c = ep.collection;
    c.endpoints.set(`${ep.row.method} ${ep.row.path}`, ep);
    this.endpointsById.set(ep.row.id, ep);
    this.grow(c, ENDPOINT_BYTES);
    if (ep.segments === null) return;
    if (ep.segments.includes('STRING')) c.stringTemplates.push(ep);
    for (const key of siblingGroupKeys(ep)) {
      let group = c.siblingGroups.get(key);
      if (group === undefined) {
        group = new Set();
        c.siblingGroups.set(key, group);
      }
      group.add(ep);
    }
  }

  /** Takes an endpoint out of its collection (folded into a sibling); the caller records the removal. */
  unregisterEndpoint(ep: EndpointState): void {
    const c = ep.collection;
    ep.removed = true;
    c.endpoints.delete(`${ep.row.method} ${ep.row.path}`);
    this.endpointsById.delete(ep.row.id);
    const i = c.stringTemplates.indexOf(ep);
    if (i >= 0) c.stringTemplates.splice(i, 1);
    for (const key of siblingGroupKeys(ep)) c.siblingGroups.get(key)?.delete(ep);
    c.routeCache.clear();
    this.grow(c, -endpointBytes(ep));
  }

  /** Brings collections loaded from the store into memory; ones already in memory are kept as they are. */
  admit(part: InventoryPart): void {
    const byId = new Map<string, CollectionState>();
    for (const row of part.collections) {
      if (this.collections.has(row.name)) continue;
      const c = this.newCollection(copyCollectionRow(row));
      this.collections.set(row.name, c);
      byId.set(row.id, c);
    }
    const sorted = part.endpoints.filter((row) => byId.has(row.collectionId)).sort(compareEndpointRows);
    for (const row of sorted) {
      const c = byId.get(row.collectionId) as CollectionState;
      this.registerEndpoint(newEndpointState(copyEndpointRow(row), c));
    }
    for (const row of part.parameters) {
      const ep = this.endpointsById.get(row.endpointId);
      if (ep === undefined || !byId.has(ep.row.collectionId)) continue;
      const map = bucketsFor(ep, row.location, row.status)[row.in];
      if (map.has(row.name)) continue;
      const secretName = secretFor(row.in, row.name);
      const copy = copyParameterRow(row);
      map.set(row.name, {
        row: copy,
        lastValue: undefined,
        seenExamples: [],
        secretName,
        mask: maskFlagOf(copy, secretName),
        dirty: false,
      });
      ep.paramCount++;
      this.grow(ep.collection, PARAMETER_BYTES);
    }
    for (const s of [...part.samples].sort((a, b) => a.seq - b.seq)) {
      const ep = this.endpointsById.get(s.endpointId);
      if (ep === undefined || !byId.has(ep.row.collectionId)) continue;
      const sample = freezeSample(copySample(s));
      ep.samples.push(sample);
      this.grow(ep.collection, sampleBytes(sample));
    }
    for (const h of part.hourly) {
      const ep = this.endpointsById.get(h.endpointId);
      if (ep !== undefined && byId.has(ep.row.collectionId)) ep.hourly.set(h.hour, h.calls);
    }
    const endpointOwner = (id: string) => {
      const ep = this.endpointsById.get(id);
      return ep !== undefined && byId.has(ep.row.collectionId) ? ep.collection : undefined;
    };
    this.performance.admit(
      part.performance,
      endpointOwner,
      (id) => byId.get(id),
      (c, bytes) => this.grow(c, bytes),
    );
  }

  /**
   * Drops least recently used collections, except those the current tick touched, until the working set
   * is at most `targetBytes`; returns the ones dropped. Only for state whose changes are all taken.
   */
  evict(targetBytes: number): Set<CollectionState> {
    const gone = new Set<CollectionState>();
    for (const c of evictionOrder(this.collections.values())) {
      if (this.bytes <= targetBytes) break;
      if (c.lastUsed === this.tick) continue; // touched by the records just applied
      this.collections.delete(c.row.name);
      for (const ep of c.endpoints.values()) this.endpointsById.delete(ep.row.id);
      this.performance.drop(
        c.row.id,
        [...c.endpoints.values()].map((ep) => ep.row.id),
      );
      this.bytes -= c.bytes;
      gone.add(c);
    }
    return gone;
  }
}

function compareEndpointRows(
  a: { firstSeen: number; id: string },
  b: { firstSeen: number; id: string },
): number {
  return a.firstSeen - b.firstSeen || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
