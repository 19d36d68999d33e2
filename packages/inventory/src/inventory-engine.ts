import type { TrafficRecord } from '@tapline/contracts';
import { classifyValue, isSecretName } from './classify-value.js';
import { collectionKeyOf, hostCacheKey } from './collection-key.js';
import { type DeclaredRoute, declaredRouteOf } from './declared-route.js';
import { decodeOrKeep } from './decode-or-keep.js';
import { detectAuthTypes } from './detect-auth.js';
import {
  addUnique,
  allParams,
  bucketsFor,
  type CollectionState,
  copyCollectionRow,
  copyEndpointRow,
  copyParameterRow,
  copySample,
  type EndpointState,
  endpointSensitive,
  freezeSample,
  maskFlagOf,
  mergeAuthTypes,
  newEndpointState,
  type ParamState,
  type PendingBody,
  type PendingSample,
} from './endpoint-state.js';
import { flattenJson, parseCookies, parseJsonBody, parseUrlEncoded, queryString } from './flatten.js';
import { applyGatewayTags } from './gateway-tags.js';
import {
  type GraphqlField,
  type GraphqlRequestItem,
  graphqlEndpointPath,
  parseGraphqlOperations,
} from './graphql-operations.js';
import { headerValue } from './header-value.js';
import { collectionIdOf, endpointIdOf, parameterIdOf } from './ids.js';
import type {
  CollectionRow,
  EndpointRow,
  HourlyCountRow,
  InventoryChanges,
  InventoryOptions,
  InventoryPart,
  InventorySnapshot,
  LoggedRecord,
  OverCapCounts,
  ParameterIn,
  ParameterLocation,
  SampleRow,
} from './inventory-types.js';
import { MASK, MASK_BITS, maskedSample, mustMask } from './masking.js';
import { exampleOf, lowerCaseName } from './parameter-values.js';
import { platformAuthTypes } from './platform-auth-types.js';
import { RecordContext, type TouchParameter } from './record-context.js';
import { foldEndpoint, siblingCandidates, siblingGroupKeys } from './sibling-merge.js';
import { matchStringTemplate } from './string-template-match.js';
import { isPathToken, pathWithoutQuery, templatePath } from './template-path.js';
import {
  COLLECTION_BYTES,
  ENDPOINT_BYTES,
  evictionOrder,
  PARAMETER_BYTES,
  sampleBytes,
} from './working-set.js';

const MAX_EXAMPLES = 3;
const GRAPHQL_PATH_RE = /graphql/i;
const SUSPICIOUS_SEGMENT_RE = /\d{3}|[@+]|eyJ/;

interface ResolvedOptions {
  acceptStatus: (statusCode: number) => boolean;
  ignorePathsContaining: string[];
  maxParametersPerEndpoint: number;
  maxEndpointsPerCollection: number;
  maxSamplesPerEndpoint: number;
}

export function defaultAcceptStatus(statusCode: number): boolean {
  return (statusCode >= 200 && statusCode < 300) || statusCode === 302;
}

export const DEFAULT_MAX_PARAMETERS_PER_ENDPOINT = 1000;
export const DEFAULT_MAX_ENDPOINTS_PER_COLLECTION = 2000;

export const DEFAULT_IGNORE_PATHS: readonly string[] = Object.freeze(['/health', 'api/ingestData']);

/**
 * The inventory engine: traffic in, collections/endpoints/parameters out. No I/O. Feed it the log in
 * order with `apply`; commit `takeChanges()` with its checkpoint in one transaction.
 */
export class InventoryEngine {
  private readonly options: ResolvedOptions;
  private checkpointSeq = 0;
  private readonly collections = new Map<string, CollectionState>();
  private readonly collectionByRecordKey = new Map<string, CollectionState>();
  private readonly collectionByHost = new Map<string, CollectionState>();
  private readonly endpointsById = new Map<string, EndpointState>();
  private dirtyCollections: CollectionState[] = [];
  private dirtyEndpoints: EndpointState[] = [];
  private dirtyParams: ParamState[] = [];
  private removedIds: string[] = [];
  private filtered = 0;
  private processed = 0;
  private failed = 0;
  private endpointsCreated = 0;
  private overCap: OverCapCounts = { calls: 0, values: 0, reached: [] };
  /**
   * On demand: the store holds collections this engine has not loaded, so `planLoads` names them and
   * `admit` brings them in. Otherwise (a full snapshot, or none) the engine holds everything.
   */
  private onDemand = false;
  private residentBytes = 0;
  private tick = 0;

  private readonly touchParameter: TouchParameter = (context, name, value) =>
    this.touch(context, name, value);

  constructor(options: InventoryOptions = {}, snapshot?: InventorySnapshot) {
    this.options = Object.freeze({
      acceptStatus: options.acceptStatus ?? defaultAcceptStatus,
      ignorePathsContaining: [...(options.ignorePathsContaining ?? DEFAULT_IGNORE_PATHS)],
      maxParametersPerEndpoint: options.maxParametersPerEndpoint ?? DEFAULT_MAX_PARAMETERS_PER_ENDPOINT,
      maxEndpointsPerCollection: options.maxEndpointsPerCollection ?? DEFAULT_MAX_ENDPOINTS_PER_COLLECTION,
      maxSamplesPerEndpoint: options.maxSamplesPerEndpoint ?? 10,
    });
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
    return this.residentBytes;
  }

  /** Collections in memory. */
  get residentCollections(): number {
    return this.collections.size;
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
    const wanted = new Set<string>();
    for (let i = 0; i < batch.length; i++) {
      const logged = batch[i] as LoggedRecord;
      const r = logged.record;
      if (!(logged.seq > this.checkpointSeq) || !isInventoried(r) || this.isFiltered(r)) continue;
      const host = headerValue(r.requestHeaders, 'host');
      if (host !== undefined && this.collectionByHost.has(hostCacheKey(host, r))) continue;
      let key: string;
      try {
        key = collectionKeyOf(r).key;
      } catch {
        continue; // apply counts it as failed
      }
      if (this.collections.has(key) || wanted.has(key)) continue;
      if (wanted.size >= maxCollections)
        return { collectionIds: [...wanted].map(collectionIdOf), records: i };
      wanted.add(key);
    }
    return { collectionIds: [...wanted].map(collectionIdOf), records: batch.length };
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
  }

  /**
   * Drops least recently used collections until the working set is at most `targetBytes`. Only for state
   * whose changes are committed: call it after the changes taken last are in the store (a no-op while any
   * change is untaken). Only an engine that loads on demand evicts. Returns how many collections left.
   */
  evict(targetBytes: number): number {
    if (!this.onDemand || this.residentBytes <= targetBytes || this.hasUntakenChanges()) return 0;
    let evicted = 0;
    const gone = new Set<CollectionState>();
    for (const c of evictionOrder(this.collections.values())) {
      if (this.residentBytes <= targetBytes) break;
      if (c.lastUsed === this.tick) continue; // touched by the records just applied
      this.collections.delete(c.row.name);
      for (const ep of c.endpoints.values()) this.endpointsById.delete(ep.row.id);
      this.residentBytes -= c.bytes;
      gone.add(c);
      evicted++;
    }
    if (evicted > 0) {
      for (const [host, c] of this.collectionByHost) if (gone.has(c)) this.collectionByHost.delete(host);
      for (const [key, c] of this.collectionByRecordKey)
        if (gone.has(c)) this.collectionByRecordKey.delete(key);
    }
    return evicted;
  }

  private hasUntakenChanges(): boolean {
    return (
      this.dirtyCollections.length > 0 ||
      this.dirtyEndpoints.length > 0 ||
      this.dirtyParams.length > 0 ||
      this.removedIds.length > 0
    );
  }

  private grow(c: CollectionState, bytes: number): void {
    c.bytes += bytes;
    this.residentBytes += bytes;
  }

  /** Applies records in log order; `beforeEach` is told each seq first (so a supervisor knows where it died). */
  apply(batch: readonly LoggedRecord[], beforeEach?: (seq: number) => void): void {
    this.tick++;
    for (const logged of batch) {
      if (!(logged.seq > this.checkpointSeq)) continue;
      beforeEach?.(logged.seq);
      this.checkpointSeq = logged.seq;
      try {
        this.applyRecord(logged.seq, logged.record);
      } catch {
        // A malformed record must not stop the log; it is counted and skipped.
        this.failed++;
      }
    }
  }

  /** Moves the checkpoint past a record without applying it (a record set aside). */
  passOver(seq: number): void {
    if (seq > this.checkpointSeq) this.checkpointSeq = seq;
  }

  takeChanges(): InventoryChanges {
    const collections = this.dirtyCollections.map((c) => {
      c.dirty = false;
      return copyCollectionRow(c.row);
    });
    const endpoints = [];
    const hourly: HourlyCountRow[] = [];
    const samples: { endpointId: string; samples: SampleRow[] }[] = [];
    for (const ep of this.dirtyEndpoints) {
      ep.dirty = false;
      if (ep.removed) continue;
      endpoints.push(copyEndpointRow(ep.row));
      for (const hour of ep.dirtyHours)
        hourly.push({ endpointId: ep.row.id, hour, calls: ep.hourly.get(hour) ?? 0 });
      ep.dirtyHours.clear();
      if (ep.samplesDirty) {
        ep.samplesDirty = false;
        // Sample rows are frozen once masked, so they are shared rather than copied.
        samples.push({ endpointId: ep.row.id, samples: this.materialiseSamples(ep).slice() });
      }
    }
    const parameters = [];
    for (const p of this.dirtyParams) {
      p.dirty = false;
      if (!this.endpointsById.has(p.row.endpointId)) continue;
      parameters.push(copyParameterRow(p.row));
    }
    const changes: InventoryChanges = {
      checkpoint: this.checkpointSeq,
      collections,
      endpoints,
      parameters,
      hourly,
      samples,
      removedEndpointIds: this.removedIds,
      filtered: this.filtered,
      processed: this.processed,
      endpointsCreated: this.endpointsCreated,
      overCap: this.overCap,
    };
    if (this.failed > 0) changes.failed = this.failed;
    this.endpointsCreated = 0;
    this.overCap = { calls: 0, values: 0, reached: [] };
    this.dirtyCollections = [];
    this.dirtyEndpoints = [];
    this.dirtyParams = [];
    this.removedIds = [];
    this.filtered = 0;
    this.processed = 0;
    this.failed = 0;
    return changes;
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
    };
    for (const c of this.collections.values()) snap.collections.push(copyCollectionRow(c.row));
    for (const ep of this.endpointsById.values()) {
      snap.endpoints.push(copyEndpointRow(ep.row));
      for (const p of allParams(ep)) snap.parameters.push(copyParameterRow(p.row));
      for (const s of this.materialiseSamples(ep)) snap.samples.push(s);
      for (const [hour, calls] of ep.hourly) snap.hourly.push({ endpointId: ep.row.id, hour, calls });
    }
    return snap;
  }

  // ---- loading -------------------------------------------------------------------------------

  private newCollection(row: CollectionRow): CollectionState {
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

  private registerEndpoint(ep: EndpointState): void {
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

  private unregisterEndpoint(ep: EndpointState): void {
    const c = ep.collection;
    ep.removed = true;
    c.endpoints.delete(`${ep.row.method} ${ep.row.path}`);
    this.endpointsById.delete(ep.row.id);
    const i = c.stringTemplates.indexOf(ep);
    if (i >= 0) c.stringTemplates.splice(i, 1);
    for (const key of siblingGroupKeys(ep)) c.siblingGroups.get(key)?.delete(ep);
    c.routeCache.clear();
    this.removedIds.push(ep.row.id);
    this.grow(c, -endpointBytes(ep));
  }

  // ---- applying ------------------------------------------------------------------------------

  private isFiltered(r: TrafficRecord): boolean {
    if (!this.options.acceptStatus(r.statusCode)) return true;
    const path = r.path;
    for (const fragment of this.options.ignorePathsContaining) if (path.includes(fragment)) return true;
    return (
      headerValue(r.requestHeaders, 'x-akto-ignore') !== undefined ||
      headerValue(r.requestHeaders, 'x-tapline-ignore') !== undefined
    );
  }

  private applyRecord(seq: number, r: TrafficRecord): void {
    if (!isInventoried(r) || this.isFiltered(r)) {
      this.filtered++;
      return;
    }
    this.processed++;
    const time = Number.isFinite(r.time) ? Math.floor(r.time) : 0;
    const collection = this.collectionFor(r, time);
    const method = typeof r.method === 'string' && r.method.length > 0 ? r.method.toUpperCase() : 'GET';
    const pathOnly = pathWithoutQuery(r.path);
    const requestBody = typeof r.requestPayload === 'string' ? r.requestPayload : '';
    let parsedRequest: unknown;
    if (GRAPHQL_PATH_RE.test(pathOnly) || r.tag?.source === 'AppSync') {
      parsedRequest = parseJsonBody(requestBody);
      const items = parsedRequest === undefined ? null : parseGraphqlOperations(parsedRequest);
      if (items !== null) {
        this.applyGraphql(seq, r, time, collection, pathOnly, items);
        return;
      }
    }
    const templated = templatePath(pathOnly);
    const declared = declaredRouteOf(r.declaredRoute, templated.rawSegments);
    const key = `${method} ${declared === null ? templated.path : declared.path}`;
    let ep = collection.endpoints.get(key) ?? collection.routeCache.get(key);
    let created = false;
    if (ep === undefined && declared !== null) {
      // The trigger declared the route: no templating, no STRING match, never merged (segments null).
      if (this.atEndpointCap(collection)) return;
      ep = this.createEndpoint(collection, method, declared.path, undefined, time, true);
      created = true;
    } else if (ep === undefined) {
      ep = matchStringTemplate(collection, method, templated.segments);
      if (ep !== undefined) {
        if (collection.routeCache.size > 10_000) collection.routeCache.clear();
        collection.routeCache.set(key, ep);
      } else if (this.atEndpointCap(collection)) {
        return;
      } else {
        ep = this.createEndpoint(collection, method, templated.path, undefined, time);
        created = true;
      }
    }
    const sample = this.countCall(ep, seq, r, time);
    const context = new RecordContext(ep, time, this.touchParameter);
    sample.requestHeaderMask = this.headers(context, 'request', null, r.requestHeaders);
    sample.queryMask = this.query(context, r.path);
    // Path parameters: the raw values at the endpoint's template positions.
    context.at('request', null, 'path', true);
    let pathMask = 0;
    if (declared !== null) pathMask = this.declaredPathParams(context, declared);
    for (let k = 0; k < ep.tokenPositions.length; k++) {
      const i = ep.tokenPositions[k] as number;
      const raw = templated.rawSegments[i];
      const name = ep.pathParamNames[k] as string;
      if (raw !== undefined && this.touch(context, name, decodeOrKeep(raw)) && i < MASK_BITS) {
        pathMask |= 1 << i;
      }
    }
    // Static segments are names, but an SSN or phone number does not template: check the suspicious ones.
    const raws = templated.rawSegments;
    for (let i = 0; i < raws.length && i < MASK_BITS; i++) {
      const raw = raws[i] as string;
      if (
        (pathMask & (1 << i)) === 0 &&
        SUSPICIOUS_SEGMENT_RE.test(raw) &&
        !isPathToken(ep.segments?.[i] ?? '')
      ) {
        if (mustMask('', decodeOrKeep(raw), 'request', true)) pathMask |= 1 << i;
      }
    }
    sample.pathMask = pathMask;
    const requestType = headerValue(r.requestHeaders, 'content-type');
    sample.requestBody = this.body(
      context.at('request', null, 'body', false),
      requestBody,
      requestType,
      parsedRequest,
    );
    sample.responseHeaderMask = this.headers(context, 'response', r.statusCode, r.responseHeaders);
    const responseBody = typeof r.responsePayload === 'string' ? r.responsePayload : '';
    const responseType = headerValue(r.responseHeaders, 'content-type');
    context.at('response', r.statusCode, 'body', false);
    sample.responseBody = this.body(context, responseBody, responseType, undefined);
    if (created) this.maybeMergeSiblings(ep);
  }

  /** The declared route's parameters under their own names; returns the mask bits of their segments. */
  private declaredPathParams(context: RecordContext, declared: DeclaredRoute): number {
    let mask = 0;
    for (const v of declared.values) {
      if (!this.touch(context, v.name, decodeOrKeep(v.raw))) continue;
      for (let i = v.first; i <= v.last && i < MASK_BITS; i++) mask |= 1 << i;
    }
    return mask;
  }

  private applyGraphql(
    seq: number,
    r: TrafficRecord,
    time: number,
    collection: CollectionState,
    pathOnly: string,
    items: GraphqlRequestItem[],
  ): void {
    const parsedResponse = parseJsonBody(typeof r.responsePayload === 'string' ? r.responsePayload : '');
    for (const item of items) {
      const response = Array.isArray(parsedResponse) ? parsedResponse[item.index] : parsedResponse;
      for (const field of item.fields) {
        const path = graphqlEndpointPath(pathOnly, field);
        const key = `POST ${path}`;
        let ep = collection.endpoints.get(key);
        if (ep === undefined) {
          if (this.atEndpointCap(collection)) continue;
          ep = this.createEndpoint(
            collection,
            'POST',
            path,
            { operationType: field.operationType, field: field.field },
            time,
          );
        }
        this.countCall(ep, seq, r, time);
        const context = new RecordContext(ep, time, this.touchParameter);
        this.headers(context, 'request', null, r.requestHeaders);
        this.query(context, r.path);
        this.graphqlRequestParams(context.at('request', null, 'body', false), item, field);
        this.headers(context, 'response', r.statusCode, r.responseHeaders);
        this.graphqlResponseParams(
          context.at('response', r.statusCode, 'body', false),
          item,
          field,
          response,
        );
      }
    }
  }

  private graphqlRequestParams(context: RecordContext, item: GraphqlRequestItem, field: GraphqlField): void {
    if (item.operationName !== null && !item.appSync)
      this.touch(context, 'operationName', item.operationName);
    const vars = item.variables;
    if (vars !== null) {
      if (field.variableNames === null) flattenJson(vars, context.visitLeafReadOnly, 'variables');
      else
        for (const name of field.variableNames)
          if (name in vars) flattenJson(vars[name], context.visitLeafReadOnly, `variables#${name}`);
    }
    for (const arg in field.literalArguments)
      flattenJson(field.literalArguments[arg], context.visitLeafReadOnly, `arguments#${arg}`);
    // The selection set: what the client asked for, one parameter per selected field path.
    const prefix = `query#${field.field}`;
    for (const sel of field.selections) this.touch(context, `${prefix}#${sel}`, undefined);
  }

  private graphqlResponseParams(
    context: RecordContext,
    item: GraphqlRequestItem,
    field: GraphqlField,
    response: unknown,
  ): void {
    if (typeof response !== 'object' || response === null) return;
    const body = response as Record<string, unknown>;
    const data = body.data;
    const prefix = `data#${field.field}`;
    if (typeof data === 'object' && data !== null && field.responseKey in data) {
      flattenJson((data as Record<string, unknown>)[field.responseKey], context.visitLeafReadOnly, prefix);
    } else if (item.appSync && data === undefined && body.errors === undefined) {
      // An AppSync resolver returns the field's value itself.
      flattenJson(response, context.visitLeafReadOnly, prefix);
    }
    if (body.errors !== undefined) flattenJson(body.errors, context.visitLeafReadOnly, 'errors');
  }

  private collectionFor(r: TrafficRecord, time: number): CollectionState {
    const rawHost = headerValue(r.requestHeaders, 'host');
    // Most records name their host: one look-up by the raw header (and the stage, for API Gateway). Hosts
    // that are ips fall back to the vxlan/source key, which is built per record.
    const host = rawHost === undefined ? undefined : hostCacheKey(rawHost, r);
    let c = host === undefined ? undefined : this.collectionByHost.get(host);
    let cacheKey: string | null = null;
    if (c === undefined) {
      // Everything the key is derived from: the absolute-URL host and the stage too.
      cacheKey = `${host ?? ''}\u0000${r.urlHost ?? ''}\u0000${r.vxlanId}\u0000${r.source}\u0000${r.apiStage ?? ''}\u0000${r.apiId ?? ''}`;
      c = this.collectionByRecordKey.get(cacheKey);
    }
    if (c === undefined) {
      const { key, host: name } = collectionKeyOf(r);
      c = this.collections.get(key);
      if (c === undefined) {
        c = this.newCollection({
          id: collectionIdOf(key),
          name: key,
          host: name,
          tags: {},
          firstSeen: time,
          lastSeen: time,
          callsOverEndpointCap: 0,
          valuesOverParameterCap: 0,
        });
        this.collections.set(key, c);
        this.markCollection(c);
      }
      if (host !== undefined && name !== null) {
        if (this.collectionByHost.size > 10_000) this.collectionByHost.clear();
        this.collectionByHost.set(host, c);
      } else if (cacheKey !== null) {
        if (this.collectionByRecordKey.size > 10_000) this.collectionByRecordKey.clear();
        this.collectionByRecordKey.set(cacheKey, c);
      }
    }
    c.lastUsed = this.tick;
    const row = c.row;
    if (time > row.lastSeen) {
      row.lastSeen = time;
      this.markCollection(c);
    }
    if (time < row.firstSeen) {
      row.firstSeen = time;
      this.markCollection(c);
    }
    const tags = r.tag;
    if (typeof tags === 'object' && tags !== null) {
      for (const k in tags) {
        const v = tags[k];
        if (typeof v === 'string' && row.tags[k] !== v) {
          row.tags[k] = v;
          this.markCollection(c);
        }
      }
    }
    if (applyGatewayTags(row.tags, r)) this.markCollection(c);
    return c;
  }

  private markCollection(c: CollectionState): void {
    if (!c.dirty) {
      c.dirty = true;
      this.dirtyCollections.push(c);
    }
  }

  private markEndpoint(ep: EndpointState): void {
    if (!ep.dirty) {
      ep.dirty = true;
      this.dirtyEndpoints.push(ep);
    }
  }

  /** True (and counted) when a new endpoint would pass the collection's cap. */
  private atEndpointCap(c: CollectionState): boolean {
    if (c.endpoints.size < this.options.maxEndpointsPerCollection) return false;
    this.countOverCap(c, 'endpoints');
    return true;
  }

  private countOverCap(c: CollectionState, cap: 'endpoints' | 'parameters'): void {
    const row = c.row;
    const before = cap === 'endpoints' ? row.callsOverEndpointCap++ : row.valuesOverParameterCap++;
    if (cap === 'endpoints') this.overCap.calls++;
    else this.overCap.values++;
    if (before === 0) this.overCap.reached.push({ collectionId: row.id, name: row.name, cap });
    this.markCollection(c);
  }

  private createEndpoint(
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
    this.registerEndpoint(ep);
    this.markEndpoint(ep);
    this.endpointsCreated++;
    return ep;
  }

  private countCall(ep: EndpointState, seq: number, r: TrafficRecord, time: number): PendingSample {
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
    this.grow(ep.collection, bytes);
    ep.samplesDirty = true;
    this.markEndpoint(ep);
    return pending;
  }

  /** Query parameters; returns the mask bits of the pairs (see PendingSample). */
  private query(context: RecordContext, path: string): number {
    const q = queryString(path);
    if (q.length === 0) return 0;
    context.at('request', null, 'query', true);
    context.pairIndex = 0;
    context.pairMask = 0;
    parseUrlEncoded(q, context.visitPair);
    return context.pairMask;
  }

  /** Header (and request cookie) parameters; returns the mask bits of the headers. */
  private headers(
    context: RecordContext,
    location: ParameterLocation,
    status: number | null,
    headers: Record<string, string> | undefined,
  ): number {
    if (typeof headers !== 'object' || headers === null) return 0;
    context.at(location, status, 'header', true);
    let cookie: string | undefined;
    let n = 0;
    let maskBits = 0;
    for (const name in headers) {
      if (++n > 100) break;
      const value = headers[name];
      if (typeof value !== 'string') continue;
      const lower = lowerCaseName(name);
      if (lower === 'cookie' && location === 'request') cookie = value;
      if (this.touch(context, lower, value) && n <= MASK_BITS) maskBits |= 1 << (n - 1);
    }
    if (cookie !== undefined) {
      context.where = 'cookie';
      parseCookies(cookie, context.visitLeaf);
      context.where = 'header';
    }
    return maskBits;
  }

  /**
   * Body parameters for the current endpoint/location: JSON flattened (and masked in place for the sample
   * when every leaf was visited), form bodies by field.
   */
  private body(
    context: RecordContext,
    text: string,
    contentType: string | undefined,
    parsed: unknown,
  ): PendingBody {
    if (text.length === 0) return null;
    const json = parsed !== undefined ? parsed : parseJsonBody(text);
    if (json !== undefined) {
      context.textual = false;
      const walked = flattenJson(json, context.visitLeaf);
      if (!walked.complete) return null;
      // Serialised when taken: most records leave their endpoint's last N before that.
      return walked.masked ? { json } : 'as-is';
    }
    if (contentType?.toLowerCase().includes('application/x-www-form-urlencoded')) {
      context.textual = true;
      parseUrlEncoded(text, context.visitLeaf);
    }
    return null;
  }

  /**
   * Counts one observed value of a parameter of the current endpoint; classifies it when it changed.
   * Returns whether the value is to be masked in samples.
   */
  private touch(context: RecordContext, name: string, value: unknown): boolean {
    const ep = context.endpoint;
    const location = context.location;
    const where = context.where;
    const map = context.buckets[where];
    let p = map.get(name);
    const time = context.time;
    if (p === undefined) {
      if (ep.paramCount >= this.options.maxParametersPerEndpoint) {
        this.countOverCap(ep.collection, 'parameters');
        return mustMask(name, value, location, context.textual);
      }
      p = {
        row: {
          id: parameterIdOf(ep.row.id, location, context.status, where, name),
          endpointId: ep.row.id,
          location,
          status: context.status,
          in: where,
          name,
          types: [],
          sensitive: [],
          firstSeen: time,
          lastSeen: time,
          count: 0,
          examples: [],
        },
        lastValue: Symbol.for('tapline.unseen'),
        seenExamples: [],
        secretName: secretFor(where, name),
        mask: false,
        dirty: false,
      };
      if (p.secretName) {
        p.row.sensitive.push('SECRET');
        p.mask = true;
      }
      map.set(name, p);
      ep.paramCount++;
      this.grow(ep.collection, PARAMETER_BYTES);
    }
    const row = p.row;
    row.count++;
    if (time > row.lastSeen) row.lastSeen = time;
    if (time < row.firstSeen) row.firstSeen = time;
    if (value !== p.lastValue) {
      p.lastValue = value;
      const c = classifyValue(value, location, context.textual);
      if (!row.types.includes(c.type)) row.types.push(c.type);
      if (c.sensitive !== null || c.type === 'JWT') p.mask = true;
      if (c.sensitive !== null && !row.sensitive.includes(c.sensitive)) {
        row.sensitive.push(c.sensitive);
        if (endpointSensitive(ep.row.sensitive, [c.sensitive])) this.markEndpoint(ep);
      }
      if (row.examples.length < MAX_EXAMPLES && value !== undefined && !p.seenExamples.includes(value)) {
        const example = p.secretName || c.sensitive !== null || c.type === 'JWT' ? MASK : exampleOf(value);
        addUnique(row.examples, example);
        if (p.seenExamples.length < 8) p.seenExamples.push(value);
      }
    }
    if (!p.dirty) {
      p.dirty = true;
      this.dirtyParams.push(p);
    }
    return p.mask;
  }

  // ---- samples -------------------------------------------------------------------------------

  private materialiseSamples(ep: EndpointState): SampleRow[] {
    for (let i = 0; i < ep.samples.length; i++) {
      const s = ep.samples[i] as SampleRow | PendingSample;
      if ('pending' in s) ep.samples[i] = freezeSample(maskedSample(ep.row.id, s));
    }
    return ep.samples as SampleRow[];
  }

  // ---- static sibling merging ------------------------------------------------------------------

  private maybeMergeSiblings(ep: EndpointState): void {
    const found = siblingCandidates(ep);
    if (found === null) return;
    const c = ep.collection;
    const key = `${ep.row.method} ${found.templatePath}`;
    let target = c.endpoints.get(key);
    if (target === undefined) {
      const first = [...found.members].reduce((a, b) => (a.row.firstSeen <= b.row.firstSeen ? a : b));
      target = this.createEndpoint(c, ep.row.method, found.templatePath, undefined, first.row.firstSeen);
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
      for (const p of touched) {
        if (!p.dirty) {
          p.dirty = true;
          this.dirtyParams.push(p);
        }
      }
      this.unregisterEndpoint(member);
    }
    target.samplesDirty = true;
    this.markEndpoint(target);
    this.grow(c, endpointBytes(target) - targetBytes);
  }
}

function compareEndpointRows(
  a: { firstSeen: number; id: string },
  b: { firstSeen: number; id: string },
): number {
  return a.firstSeen - b.firstSeen || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** A record the engine can place at all (anything else is counted as filtered). */
function isInventoried(r: TrafficRecord): boolean {
  return typeof r === 'object' && r !== null && typeof r.path === 'string';
}

/** What `working-set.ts` estimates one endpoint holds, its parameters and samples included. */
function endpointBytes(ep: EndpointState): number {
  let bytes = ENDPOINT_BYTES + ep.paramCount * PARAMETER_BYTES;
  for (const s of ep.samples) bytes += sampleBytes(s);
  return bytes;
}

/** Cookie values and secret-named parameters are secrets whatever their value. */
function secretFor(where: ParameterIn, name: string): boolean {
  return where === 'cookie' || isSecretName(name);
}
