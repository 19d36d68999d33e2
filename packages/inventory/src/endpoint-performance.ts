import type { TrafficRecord } from '@tapline/contracts';
import { decodeSketch, encodeSketch, type LatencySketch, newSketch, quantileMs } from './latency-sketch.js';
import {
  type EndpointFunctionsRow,
  isOpenHour,
  MAX_FUNCTIONS_PER_ENDPOINT,
  type PerformanceFigures,
  type PerformanceRows,
} from './performance-types.js';

/** Estimated heap of one sketch in memory (a few chunks of 128 bins); only decides eviction. */
export const SKETCH_BYTES = 2_048;

interface Aggregate {
  sketch: LatencySketch;
  invocations: number;
  errors: number;
  timeouts: number;
  coldStarts: number;
}

interface EndpointPerformance {
  total: Aggregate | null;
  newestHour: number;
  /** Open hours only (see PERFORMANCE_OPEN_HOURS). */
  hours: Map<number, Aggregate>;
  functions: EndpointFunctionsRow | null;
  dirtyTotal: boolean;
  dirtyHours: Set<number>;
  dirtyFunctions: boolean;
}

function newEndpointPerformance(): EndpointPerformance {
  return {
    total: null,
    newestHour: Number.NEGATIVE_INFINITY,
    hours: new Map(),
    functions: null,
    dirtyTotal: false,
    dirtyHours: new Set(),
    dirtyFunctions: false,
  };
}

function newAggregate(): Aggregate {
  return { sketch: newSketch(), invocations: 0, errors: 0, timeouts: 0, coldStarts: 0 };
}

function aggregateOf(row: PerformanceFigures): Aggregate {
  return {
    sketch: decodeSketch(row.sketch),
    invocations: row.invocations,
    errors: row.errors,
    timeouts: row.timeouts,
    coldStarts: row.coldStarts,
  };
}

function figuresOf(a: Aggregate): PerformanceFigures {
  return {
    invocations: a.invocations,
    errors: a.errors,
    timeouts: a.timeouts,
    coldStarts: a.coldStarts,
    p50Ms: quantileMs(a.sketch, 0.5),
    p95Ms: quantileMs(a.sketch, 0.95),
    p99Ms: quantileMs(a.sketch, 0.99),
    sketch: encodeSketch(a.sketch),
  };
}

function count(a: Aggregate, perf: NonNullable<TrafficRecord['performance']>): void {
  a.sketch.accept(perf.durationMs);
  a.invocations++;
  if (perf.outcome !== 'ok') a.errors++;
  if (perf.outcome === 'timeout') a.timeouts++;
  if (perf.coldStart) a.coldStarts++;
}

function mergeInto(target: Aggregate, source: Aggregate): void {
  target.sketch.merge(source.sketch);
  target.invocations += source.invocations;
  target.errors += source.errors;
  target.timeouts += source.timeouts;
  target.coldStarts += source.coldStarts;
}

/** Whether a record carries anything this book counts. */
export function hasPerformance(r: TrafficRecord): boolean {
  return r.performance !== undefined || r.lambdaFunction !== undefined;
}

/**
 * Performance and functions per endpoint (overall and per open hour) and per collection, for the
 * collections in the engine's working set. Pure state: the engine decides which records count where and
 * takes the changed rows with the rest of its changes. Methods return the change in estimated heap bytes.
 */
export class PerformanceBook {
  private readonly endpoints = new Map<string, EndpointPerformance>();
  private readonly collections = new Map<string, { total: Aggregate; dirty: boolean }>();
  private dirtyEndpoints = new Set<string>();
  private dirtyCollections = new Set<string>();

  hasChanges(): boolean {
    return this.dirtyEndpoints.size > 0 || this.dirtyCollections.size > 0;
  }

  /** Counts one record on one endpoint (a batch whose items share the record: once per endpoint). */
  countEndpoint(endpointId: string, r: TrafficRecord, time: number): number {
    let bytes = 0;
    let ep = this.endpoints.get(endpointId);
    if (ep === undefined) {
      ep = newEndpointPerformance();
      this.endpoints.set(endpointId, ep);
    }
    const perf = r.performance;
    if (perf !== undefined) {
      if (ep.total === null) {
        ep.total = newAggregate();
        bytes += SKETCH_BYTES;
      }
      count(ep.total, perf);
      ep.dirtyTotal = true;
      const hour = Math.floor(time / 3600) * 3600;
      if (hour > ep.newestHour) {
        ep.newestHour = hour;
        bytes -= this.closeHours(ep);
      }
      if (isOpenHour(hour, ep.newestHour)) {
        let h = ep.hours.get(hour);
        if (h === undefined) {
          h = newAggregate();
          ep.hours.set(hour, h);
          bytes += SKETCH_BYTES;
        }
        count(h, perf);
        ep.dirtyHours.add(hour);
      }
    }
    const fn = r.lambdaFunction;
    if (fn !== undefined) {
      ep.functions ??= { endpointId, functions: [], otherCalls: 0 };
      countFunction(ep.functions, fn.name, fn.qualifier ?? null, time);
      ep.dirtyFunctions = true;
    }
    this.dirtyEndpoints.add(endpointId);
    return bytes;
  }

  /** Counts one record on its collection (once, however many endpoints it touched). */
  countCollection(collectionId: string, r: TrafficRecord): number {
    const perf = r.performance;
    if (perf === undefined) return 0;
    let c = this.collections.get(collectionId);
    let bytes = 0;
    if (c === undefined) {
      c = { total: newAggregate(), dirty: false };
      this.collections.set(collectionId, c);
      bytes = SKETCH_BYTES;
    }
    count(c.total, perf);
    c.dirty = true;
    this.dirtyCollections.add(collectionId);
    return bytes;
  }

  /** An endpoint folded into another (sibling merge): its figures move to the target. */
  fold(fromId: string, toId: string): number {
    const from = this.endpoints.get(fromId);
    if (from === undefined) return 0;
    this.endpoints.delete(fromId);
    this.dirtyEndpoints.delete(fromId);
    let bytes = -SKETCH_BYTES * ((from.total === null ? 0 : 1) + from.hours.size);
    let to = this.endpoints.get(toId);
    if (to === undefined) {
      // Moved whole; everything is written under the new id.
      to = from;
      this.endpoints.set(toId, to);
      if (to.functions !== null) to.functions = { ...to.functions, endpointId: toId };
      to.dirtyTotal = to.total !== null;
      to.dirtyFunctions = to.functions !== null;
      for (const hour of to.hours.keys()) to.dirtyHours.add(hour);
      this.dirtyEndpoints.add(toId);
      return bytes + SKETCH_BYTES * ((to.total === null ? 0 : 1) + to.hours.size);
    }
    const sketchesBefore = (to.total === null ? 0 : 1) + to.hours.size;
    if (from.total !== null) {
      if (to.total === null) to.total = newAggregate();
      mergeInto(to.total, from.total);
      to.dirtyTotal = true;
    }
    if (from.newestHour > to.newestHour) {
      to.newestHour = from.newestHour;
      bytes -= this.closeHours(to);
    }
    for (const [hour, h] of from.hours) {
      if (!isOpenHour(hour, to.newestHour)) continue;
      const target = to.hours.get(hour);
      if (target === undefined) to.hours.set(hour, h);
      else mergeInto(target, h);
      to.dirtyHours.add(hour);
    }
    if (from.functions !== null) {
      to.functions ??= { endpointId: toId, functions: [], otherCalls: 0 };
      to.functions.otherCalls += from.functions.otherCalls;
      for (const f of from.functions.functions)
        countFunction(to.functions, f.name, f.qualifier, f.lastSeen, f.calls);
      to.dirtyFunctions = true;
    }
    this.dirtyEndpoints.add(toId);
    return bytes + SKETCH_BYTES * ((to.total === null ? 0 : 1) + to.hours.size - sketchesBefore);
  }

  /** Drops final hours from memory (they are in the store already, or in the changes not yet taken). */
  private closeHours(ep: EndpointPerformance): number {
    let bytes = 0;
    for (const hour of ep.hours.keys()) {
      if (isOpenHour(hour, ep.newestHour) || ep.dirtyHours.has(hour)) continue;
      ep.hours.delete(hour);
      bytes += SKETCH_BYTES;
    }
    return bytes;
  }

  /**
   * Rows loaded from the store; only those whose endpoint or collection `owner` names are taken (the
   * collections being admitted), and the estimated bytes are charged to that owner.
   */
  admit<T>(
    rows: PerformanceRows,
    endpointOwner: (endpointId: string) => T | undefined,
    collectionOwner: (collectionId: string) => T | undefined,
    grow: (owner: T, bytes: number) => void,
  ): void {
    const state = (id: string): EndpointPerformance => {
      let ep = this.endpoints.get(id);
      if (ep === undefined) {
        ep = newEndpointPerformance();
        this.endpoints.set(id, ep);
      }
      return ep;
    };
    for (const row of rows.endpoints) {
      const owner = endpointOwner(row.endpointId);
      if (owner === undefined) continue;
      const ep = state(row.endpointId);
      ep.total = aggregateOf(row);
      ep.newestHour = row.newestHour;
      grow(owner, SKETCH_BYTES);
    }
    for (const row of rows.hourly) {
      const owner = endpointOwner(row.endpointId);
      const ep = owner === undefined ? undefined : this.endpoints.get(row.endpointId);
      if (owner === undefined || ep === undefined || !isOpenHour(row.hour, ep.newestHour)) continue;
      ep.hours.set(row.hour, aggregateOf(row));
      grow(owner, SKETCH_BYTES);
    }
    for (const row of rows.functions) {
      if (endpointOwner(row.endpointId) === undefined) continue;
      state(row.endpointId).functions = structuredClone(row);
    }
    for (const row of rows.collections) {
      const owner = collectionOwner(row.collectionId);
      if (owner === undefined) continue;
      this.collections.set(row.collectionId, { total: aggregateOf(row), dirty: false });
      grow(owner, SKETCH_BYTES);
    }
  }

  /** Forgets evicted state (its changes were taken: see `hasChanges`). */
  drop(collectionId: string, endpointIds: Iterable<string>): void {
    this.collections.delete(collectionId);
    for (const id of endpointIds) this.endpoints.delete(id);
  }

  /** The rows changed since the last take; `live` says which endpoints still exist. */
  take(live: (endpointId: string) => boolean): PerformanceRows {
    const out: PerformanceRows = { endpoints: [], hourly: [], collections: [], functions: [] };
    for (const id of this.dirtyEndpoints) {
      const ep = this.endpoints.get(id);
      if (ep === undefined || !live(id)) continue;
      if (ep.dirtyTotal && ep.total !== null)
        out.endpoints.push({ endpointId: id, newestHour: ep.newestHour, ...figuresOf(ep.total) });
      for (const hour of ep.dirtyHours) {
        const h = ep.hours.get(hour);
        if (h !== undefined) out.hourly.push({ endpointId: id, hour, ...figuresOf(h) });
      }
      if (ep.dirtyFunctions && ep.functions !== null) out.functions.push(structuredClone(ep.functions));
      ep.dirtyTotal = false;
      ep.dirtyFunctions = false;
      // Hours that went final while dirty leave memory when the newest hour next moves.
      ep.dirtyHours.clear();
    }
    for (const id of this.dirtyCollections) {
      const c = this.collections.get(id);
      if (c === undefined) continue;
      c.dirty = false;
      out.collections.push({ collectionId: id, ...figuresOf(c.total) });
    }
    this.dirtyEndpoints = new Set();
    this.dirtyCollections = new Set();
    return out;
  }

  /** Every row in memory (open hours only). */
  snapshot(): PerformanceRows {
    const out: PerformanceRows = { endpoints: [], hourly: [], collections: [], functions: [] };
    for (const [id, ep] of this.endpoints) {
      if (ep.total !== null)
        out.endpoints.push({ endpointId: id, newestHour: ep.newestHour, ...figuresOf(ep.total) });
      for (const [hour, h] of ep.hours) out.hourly.push({ endpointId: id, hour, ...figuresOf(h) });
      if (ep.functions !== null) out.functions.push(structuredClone(ep.functions));
    }
    for (const [id, c] of this.collections) out.collections.push({ collectionId: id, ...figuresOf(c.total) });
    return out;
  }
}

/** Adds calls of one function to a bounded list; a full list gives up its least recently seen entry. */
function countFunction(
  row: EndpointFunctionsRow,
  name: string,
  qualifier: string | null,
  time: number,
  calls = 1,
): void {
  const list = row.functions;
  const found = list.find((f) => f.name === name && f.qualifier === qualifier);
  if (found !== undefined) {
    found.calls += calls;
    if (time > found.lastSeen) found.lastSeen = time;
    return;
  }
  if (list.length >= MAX_FUNCTIONS_PER_ENDPOINT) {
    let oldest = 0;
    for (let i = 1; i < list.length; i++)
      if ((list[i] as (typeof list)[number]).lastSeen < (list[oldest] as (typeof list)[number]).lastSeen)
        oldest = i;
    const [gone] = list.splice(oldest, 1);
    row.otherCalls += gone?.calls ?? 0;
  }
  list.push({ name, qualifier, calls, lastSeen: time });
}
