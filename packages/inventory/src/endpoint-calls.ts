import type { TrafficRecord } from '@tapline/contracts';
import type { ChangeSet } from './change-set.js';
import { detectAuthTypes } from './detect-auth.js';
import type { PerformanceBook } from './endpoint-performance.js';
import {
  type CollectionState,
  type EndpointState,
  mergeAuthTypes,
  newEndpointState,
  type PendingSample,
} from './endpoint-state.js';
import type { ResolvedOptions } from './engine-options.js';
import { endpointIdOf } from './ids.js';
import type { EndpointRow, SampleRow } from './inventory-types.js';
import { platformAuthTypes } from './platform-auth-types.js';
import type { ResidentInventory } from './resident-inventory.js';
import { sampleBytes } from './working-set.js';

/**
 * Endpoints and their calls: creating an endpoint within its collection's cap, and counting one call on
 * it (the row's figures, the hourly count, a pending sample, performance).
 */
export class EndpointCalls {
  constructor(
    private readonly options: ResolvedOptions,
    private readonly resident: ResidentInventory,
    private readonly changes: ChangeSet,
    private readonly performance: PerformanceBook,
  ) {}

  /** True (and counted) when a new endpoint would pass the collection's cap. */
  atEndpointCap(c: CollectionState): boolean {
    if (c.endpoints.size < this.options.maxEndpointsPerCollection) return false;
    this.changes.countOverCap(c, 'endpoints');
    return true;
  }

  createEndpoint(
    c: CollectionState,
    method: string,
    path: string,
    graphql: EndpointRow['graphql'],
    time: number,
    declared = false,
  ): EndpointState {
    const row: EndpointRow = {
      id: endpointIdOf(c.row.id, method, path),
      collectionId: c.row.id,
      method,
      path,
      authTypes: [],
      sensitive: [],
      statusCodes: [],
      calls: 0,
      firstSeen: time,
      lastSeen: time,
    };
    if (graphql) row.graphql = graphql;
    if (declared) row.declaredRoute = true;
    const ep = newEndpointState(row, c);
    this.resident.registerEndpoint(ep);
    this.changes.markEndpoint(ep);
    this.changes.endpointsCreated++;
    return ep;
  }

  /** Counts the call; returns its pending sample, for the masking decided while its parameters are read. */
  countCall(ep: EndpointState, seq: number, r: TrafficRecord, time: number): PendingSample {
    const row = ep.row;
    row.calls++;
    if (time > row.lastSeen) row.lastSeen = time;
    if (time < row.firstSeen) row.firstSeen = time;
    const status = r.statusCode;
    if (!row.statusCodes.includes(status)) {
      row.statusCodes.push(status);
      row.statusCodes.sort((a, b) => a - b);
    }
    mergeAuthTypes(row.authTypes, detectAuthTypes(r.requestHeaders));
    // A platform type also removes UNAUTHENTICATED (see mergeAuthTypes).
    const platform = platformAuthTypes(r.platformAuth);
    if (platform.length > 0) mergeAuthTypes(row.authTypes, platform);
    const hour = Math.floor(time / 3600) * 3600;
    ep.hourly.set(hour, (ep.hourly.get(hour) ?? 0) + 1);
    ep.dirtyHours.add(hour);
    const pending: PendingSample = {
      pending: true,
      seq,
      record: r,
      requestBody: null,
      responseBody: null,
      requestHeaderMask: null,
      responseHeaderMask: null,
      queryMask: null,
      pathMask: null,
    };
    ep.samples.push(pending);
    let bytes = sampleBytes(pending);
    if (ep.samples.length > this.options.maxSamplesPerEndpoint) {
      bytes -= sampleBytes(ep.samples.shift() as SampleRow | PendingSample);
    }
    this.resident.grow(ep.collection, bytes);
    ep.samplesDirty = true;
    this.changes.markEndpoint(ep);
    return pending;
  }

  /** Counts a record's performance on its endpoints (a batch's items share it: once each) and collection. */
  countPerformance(
    c: CollectionState,
    endpoints: Iterable<EndpointState>,
    r: TrafficRecord,
    time: number,
  ): void {
    let bytes = 0;
    for (const ep of endpoints) bytes += this.performance.countEndpoint(ep.row.id, r, time);
    bytes += this.performance.countCollection(c.row.id, r);
    this.resident.grow(c, bytes);
  }
}
