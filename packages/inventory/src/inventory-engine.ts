import type { TrafficRecord } from '@tapline/contracts';
import { ChangeSet, materialiseSamples } from './change-set.js';
import { CollectionRouter } from './collection-routing.js';
import { EndpointCalls } from './endpoint-calls.js';
import { hasPerformance, PerformanceBook } from './endpoint-performance.js';
import { existingRestEndpoint, graphqlRequestOf, methodOf, restRouteOf } from './endpoint-placement.js';
import {
  allParams,
  copyCollectionRow,
  copyEndpointRow,
  copyParameterRow,
  type EndpointState,
} from './endpoint-state.js';
import { type ResolvedOptions, resolveOptions } from './engine-options.js';
import { existingEndpoints } from './existing-endpoints.js';
import { GraphqlApply } from './graphql-apply.js';
import { headerValue } from './header-value.js';
import type {
  InventoryChanges,
  InventoryOptions,
  InventoryPart,
  InventorySnapshot,
  LoggedRecord,
} from './inventory-types.js';
import { ParameterObserver } from './parameter-observer.js';
import { RecordContext } from './record-context.js';
import { isInventoried, RecordFilter } from './record-filter.js';
import { ResidentInventory } from './resident-inventory.js';
import { foldEndpoint, siblingCandidates } from './sibling-merge.js';
import { pathWithoutQuery } from './template-path.js';
import { endpointBytes } from './working-set.js';

export {
  DEFAULT_IGNORE_PATHS,
  DEFAULT_MAX_ENDPOINTS_PER_COLLECTION,
  DEFAULT_MAX_PARAMETERS_PER_ENDPOINT,
  defaultAcceptStatus,
} from './engine-options.js';

/**
 * The inventory engine: traffic in, collections/endpoints/parameters out. No I/O. Feed it the log in
 * order with `apply`; commit `takeChanges()` with its checkpoint in one transaction.
 *
 * It places each record (collection-routing.ts, then an endpoint here), counts the call
 * (endpoint-calls.ts) and its parameters (parameter-observer.ts; GraphQL: graphql-apply.ts), and merges
 * static siblings. What changed waits in change-set.ts; what is in memory is resident-inventory.ts.
 */
export class InventoryEngine {
  private readonly options: ResolvedOptions;
  private checkpointSeq = 0;
  /**
   * On demand: the store holds collections this engine has not loaded, so `planLoads` names them and
   * `admit` brings them in. Otherwise (a full snapshot, or none) the engine holds everything.
   */
  private onDemand = false;
  private readonly performance = new PerformanceBook();
  private readonly resident = new ResidentInventory(this.performance);
  private readonly changes = new ChangeSet(this.performance);
  private readonly router = new CollectionRouter(this.resident, this.changes);
  private readonly filter: RecordFilter;
  private readonly calls: EndpointCalls;
  private readonly observer: ParameterObserver;
  private readonly graphql: GraphqlApply;

  constructor(options: InventoryOptions = {}, snapshot?: InventorySnapshot) {
    this.options = resolveOptions(options);
    this.filter = new RecordFilter(this.options);
    this.calls = new EndpointCalls(this.options, this.resident, this.changes, this.performance);
    this.observer = new ParameterObserver(this.options.maxParametersPerEndpoint, this.resident, this.changes);
    this.graphql = new GraphqlApply(this.calls, this.observer);
    if (snapshot) {
      this.checkpointSeq = snapshot.checkpoint;
      this.admit(snapshot);
    }
  }

  /**
   * An engine that starts at a committed checkpoint with nothing in memory and loads collections from the
   * store as records need them (`planLoads` → store → `admit`).
   */
  static resume(options: InventoryOptions, checkpoint: number): InventoryEngine {
    const engine = new InventoryEngine(options);
    engine.checkpointSeq = checkpoint;
    engine.onDemand = true;
    return engine;
  }

  get checkpoint(): number {
    return this.checkpointSeq;
  }

  /** Estimated heap held by the collections in memory. */
  get workingSetBytes(): number {
    return this.resident.bytes;
  }

  /** Collections in memory. */
  get residentCollections(): number {
    return this.resident.collections.size;
  }

  /**
   * Which collections the records at the start of `batch` need that are not in memory: the ids of at most
   * `maxCollections` of them, and how many records (from the start) those cover. Apply exactly that many
   * after admitting what the store has of those ids; a collection the store does not have starts empty.
   */
  planLoads(
    batch: readonly LoggedRecord[],
    maxCollections: number,
  ): { collectionIds: string[]; records: number } {
    if (!this.onDemand) return { collectionIds: [], records: batch.length };
    return this.router.planLoads(batch, maxCollections, this.checkpointSeq, this.filter);
  }

  /** Brings collections loaded from the store into memory; ones already in memory are kept as they are. */
  admit(part: InventoryPart): void {
    this.resident.admit(part);
  }

  /**
   * Drops least recently used collections until the working set is at most `targetBytes`. Only for state
   * whose changes are committed: call it after the changes taken last are in the store (a no-op while any
   * change is untaken). Only an engine that loads on demand evicts. Returns how many collections left.
   */
  evict(targetBytes: number): number {
    if (!this.onDemand || this.resident.bytes <= targetBytes || this.changes.hasUntaken()) return 0;
    const gone = this.resident.evict(targetBytes);
    this.router.forget(gone);
    return gone.size;
  }

  /** Applies records in log order; `beforeEach` is told each seq first (so a supervisor knows where it died). */
  apply(batch: readonly LoggedRecord[], beforeEach?: (seq: number) => void): void {
    this.resident.tick++;
    for (const logged of batch) {
      if (!(logged.seq > this.checkpointSeq)) continue;
      beforeEach?.(logged.seq);
      this.checkpointSeq = logged.seq;
      try {
        this.applyRecord(logged.seq, logged.record);
      } catch {
        // A malformed record must not stop the log; it is counted and skipped.
        this.changes.failed++;
      }
    }
  }

  /** Moves the checkpoint past a record without applying it (a record set aside). */
  passOver(seq: number): void {
    if (seq > this.checkpointSeq) this.checkpointSeq = seq;
  }

  takeChanges(): InventoryChanges {
    return this.changes.take(this.checkpointSeq, this.resident.endpointsById);
  }

  /** The whole state as a snapshot (what a store would load); pending samples are masked. */
  snapshot(): InventorySnapshot {
    const snap: InventorySnapshot = {
      checkpoint: this.checkpointSeq,
      collections: [],
      endpoints: [],
      parameters: [],
      samples: [],
      hourly: [],
      performance: this.performance.snapshot(),
    };
    for (const c of this.resident.collections.values()) snap.collections.push(copyCollectionRow(c.row));
    for (const ep of this.resident.endpointsById.values()) {
      snap.endpoints.push(copyEndpointRow(ep.row));
      for (const p of allParams(ep)) snap.parameters.push(copyParameterRow(p.row));
      for (const s of materialiseSamples(ep)) snap.samples.push(s);
      for (const [hour, calls] of ep.hourly) snap.hourly.push({ endpointId: ep.row.id, hour, calls });
    }
    return snap;
  }

  private applyRecord(seq: number, r: TrafficRecord): void {
    if (!isInventoried(r) || this.filter.isFiltered(r)) {
      this.changes.filtered++;
      if (isInventoried(r) && this.filter.countsWhenFiltered(r)) this.countFilteredPerformance(r);
      return;
    }
    this.changes.processed++;
    const time = Number.isFinite(r.time) ? Math.floor(r.time) : 0;
    const collection = this.router.collectionFor(r, time);
    const method = methodOf(r);
    const pathOnly = pathWithoutQuery(r.path);
    const requestBody = typeof r.requestPayload === 'string' ? r.requestPayload : '';
    const graphql = graphqlRequestOf(r, pathOnly, requestBody);
    if (graphql?.items) {
      this.graphql.apply(seq, r, time, collection, pathOnly, graphql.items);
      return;
    }
    const route = restRouteOf(r, method, pathOnly);
    let ep = existingRestEndpoint(collection, method, route);
    let created = false;
    if (ep === undefined) {
      if (this.calls.atEndpointCap(collection)) return;
      // A declared route is never templated further nor merged (its segments are null).
      ep = this.calls.createEndpoint(
        collection,
        method,
        route.path,
        undefined,
        time,
        route.declared !== null,
      );
      created = true;
    }
    const sample = this.calls.countCall(ep, seq, r, time);
    if (hasPerformance(r)) this.calls.countPerformance(collection, [ep], r, time);
    const observer = this.observer;
    const context = new RecordContext(ep, time, observer.touchParameter);
    sample.requestHeaderMask = observer.headers(context, 'request', null, r.requestHeaders);
    sample.queryMask = observer.query(context, r.path);
    sample.pathMask = observer.pathParams(context, route.templated, route.declared);
    const requestType = headerValue(r.requestHeaders, 'content-type');
    sample.requestBody = observer.body(
      context.at('request', null, 'body', false),
      requestBody,
      requestType,
      graphql?.parsed,
    );
    sample.responseHeaderMask = observer.headers(context, 'response', r.statusCode, r.responseHeaders);
    const responseBody = typeof r.responsePayload === 'string' ? r.responsePayload : '';
    const responseType = headerValue(r.responseHeaders, 'content-type');
    context.at('response', r.statusCode, 'body', false);
    sample.responseBody = observer.body(context, responseBody, responseType, undefined);
    if (created) this.maybeMergeSiblings(ep);
  }

  /** A record kept out by the status filter counts on the endpoints it would have reached, if they exist. */
  private countFilteredPerformance(r: TrafficRecord): void {
    const c = this.router.existingCollection(r);
    if (c === undefined) return;
    const endpoints = existingEndpoints(c, r);
    if (endpoints.length === 0) return;
    c.lastUsed = this.resident.tick;
    this.calls.countPerformance(c, endpoints, r, Number.isFinite(r.time) ? Math.floor(r.time) : 0);
  }

  /** Folds a new endpoint and its static siblings into one templated endpoint (see sibling-merge.ts). */
  private maybeMergeSiblings(ep: EndpointState): void {
    const found = siblingCandidates(ep);
    if (found === null) return;
    const c = ep.collection;
    const key = `${ep.row.method} ${found.templatePath}`;
    let target = c.endpoints.get(key);
    if (target === undefined) {
      const first = [...found.members].reduce((a, b) => (a.row.firstSeen <= b.row.firstSeen ? a : b));
      target = this.calls.createEndpoint(
        c,
        ep.row.method,
        found.templatePath,
        undefined,
        first.row.firstSeen,
      );
    }
    const targetBytes = endpointBytes(target);
    for (const member of found.members) {
      if (member === target) continue;
      const touched = foldEndpoint(
        member,
        target,
        found.position,
        this.options.maxParametersPerEndpoint,
        this.options.maxSamplesPerEndpoint,
      );
      for (const p of touched) this.changes.markParam(p);
      this.resident.grow(c, this.performance.fold(member.row.id, target.row.id));
      this.resident.unregisterEndpoint(member);
      this.changes.markRemoved(member);
    }
    target.samplesDirty = true;
    this.changes.markEndpoint(target);
    this.resident.grow(c, endpointBytes(target) - targetBytes);
  }
}
