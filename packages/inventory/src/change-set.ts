import type { PerformanceBook } from './endpoint-performance.js';
import {
  type CollectionState,
  copyCollectionRow,
  copyEndpointRow,
  copyParameterRow,
  type EndpointState,
  freezeSample,
  type ParamState,
  type PendingSample,
} from './endpoint-state.js';
import type { HourlyCountRow, InventoryChanges, OverCapCounts, SampleRow } from './inventory-types.js';
import { maskedSample } from './masking.js';

/**
 * What changed since the changes were last taken: the rows marked dirty, the endpoints removed, and the
 * counters `takeChanges` reports. The engine marks; `take` copies the rows out and starts afresh.
 */
export class ChangeSet {
  private collections: CollectionState[] = [];
  private endpoints: EndpointState[] = [];
  private params: ParamState[] = [];
  private removedIds: string[] = [];
  filtered = 0;
  processed = 0;
  failed = 0;
  endpointsCreated = 0;
  private overCap: OverCapCounts = { calls: 0, values: 0, reached: [] };

  /** Performance rows are changes too: taken with the rest. */
  constructor(private readonly performance: PerformanceBook) {}

  hasUntaken(): boolean {
    return (
      this.collections.length > 0 ||
      this.endpoints.length > 0 ||
      this.params.length > 0 ||
      this.removedIds.length > 0 ||
      this.performance.hasChanges()
    );
  }

  markCollection(c: CollectionState): void {
    if (!c.dirty) {
      c.dirty = true;
      this.collections.push(c);
    }
  }

  markEndpoint(ep: EndpointState): void {
    if (!ep.dirty) {
      ep.dirty = true;
      this.endpoints.push(ep);
    }
  }

  markParam(p: ParamState): void {
    if (!p.dirty) {
      p.dirty = true;
      this.params.push(p);
    }
  }

  /** An endpoint folded into another: the store deletes its rows. */
  markRemoved(ep: EndpointState): void {
    this.removedIds.push(ep.row.id);
  }

  /** Counts a call (endpoints) or a value (parameters) a collection's cap kept out. */
  countOverCap(c: CollectionState, cap: 'endpoints' | 'parameters'): void {
    const row = c.row;
    const before = cap === 'endpoints' ? row.callsOverEndpointCap++ : row.valuesOverParameterCap++;
    if (cap === 'endpoints') this.overCap.calls++;
    else this.overCap.values++;
    if (before === 0) this.overCap.reached.push({ collectionId: row.id, name: row.name, cap });
    this.markCollection(c);
  }

  /** Copies of the changed rows (endpoints still in `resident` only), and resets every counter. */
  take(checkpoint: number, resident: ReadonlyMap<string, EndpointState>): InventoryChanges {
    const collections = this.collections.map((c) => {
      c.dirty = false;
      return copyCollectionRow(c.row);
    });
    const endpoints = [];
    const hourly: HourlyCountRow[] = [];
    const samples: { endpointId: string; samples: SampleRow[] }[] = [];
    for (const ep of this.endpoints) {
      ep.dirty = false;
      if (ep.removed) continue;
      endpoints.push(copyEndpointRow(ep.row));
      for (const hour of ep.dirtyHours)
        hourly.push({ endpointId: ep.row.id, hour, calls: ep.hourly.get(hour) ?? 0 });
      ep.dirtyHours.clear();
      if (ep.samplesDirty) {
        ep.samplesDirty = false;
        // Sample rows are frozen once masked, so they are shared rather than copied.
        samples.push({ endpointId: ep.row.id, samples: materialiseSamples(ep).slice() });
      }
    }
    const parameters = [];
    const changedPerEndpoint = new Map<string, number>();
    for (const p of this.params) {
      p.dirty = false;
      const endpointId = p.row.endpointId;
      if (!resident.has(endpointId)) continue;
      parameters.push(copyParameterRow(p.row));
      changedPerEndpoint.set(endpointId, (changedPerEndpoint.get(endpointId) ?? 0) + 1);
    }
    const completeParameters: string[] = [];
    for (const [endpointId, changed] of changedPerEndpoint) {
      if (resident.get(endpointId)?.paramCount === changed) completeParameters.push(endpointId);
    }
    const changes: InventoryChanges = {
      checkpoint,
      collections,
      endpoints,
      parameters,
      completeParameters,
      hourly,
      samples,
      performance: this.performance.take((id) => resident.has(id)),
      removedEndpointIds: this.removedIds,
      filtered: this.filtered,
      processed: this.processed,
      endpointsCreated: this.endpointsCreated,
      overCap: this.overCap,
    };
    if (this.failed > 0) changes.failed = this.failed;
    this.endpointsCreated = 0;
    this.overCap = { calls: 0, values: 0, reached: [] };
    this.collections = [];
    this.endpoints = [];
    this.params = [];
    this.removedIds = [];
    this.filtered = 0;
    this.processed = 0;
    this.failed = 0;
    return changes;
  }
}

/** Masks an endpoint's pending samples in place (masked rows are frozen) and returns them all. */
export function materialiseSamples(ep: EndpointState): SampleRow[] {
  for (let i = 0; i < ep.samples.length; i++) {
    const s = ep.samples[i] as SampleRow | PendingSample;
    if ('pending' in s) ep.samples[i] = freezeSample(maskedSample(ep.row.id, s));
  }
  return ep.samples as SampleRow[];
}
