import type { TrafficRecord } from '@tapline/contracts';
import { isSecretName } from './classify-value.js';
import { hasRouteParameters } from './declared-route.js';
import { sortAuthTypes } from './detect-auth.js';
import type {
  AuthType,
  CollectionRow,
  EndpointRow,
  ParameterIn,
  ParameterLocation,
  ParameterRow,
  SampleRow,
  SensitiveClass,
} from './inventory-types.js';
import { isPathToken, pathParameterName } from './template-path.js';

/** The engine's mutable state. Rows are kept as the source of truth so a snapshot rebuilds everything. */
export interface ParamState {
  row: ParameterRow;
  /** Last value classified: a repeat is counted without classifying it again. Cache only. */
  lastValue: unknown;
  /** Values whose example is already recorded (a cache: skips re-deriving the example string). */
  seenExamples: unknown[];
  secretName: boolean;
  /** Values of this parameter are masked in samples: a secret by name, or ever classed sensitive or JWT. */
  mask: boolean;
  dirty: boolean;
}

export function maskFlagOf(row: ParameterRow, secretName: boolean): boolean {
  return secretName || row.sensitive.length > 0 || row.types.includes('JWT');
}

/** Cookie values and secret-named parameters are secrets whatever their value. */
export function secretFor(where: ParameterIn, name: string): boolean {
  return where === 'cookie' || isSecretName(name);
}

export type ParamBuckets = Record<ParameterIn, Map<string, ParamState>>;

/**
 * The body of a pending sample. `{ json }`: the parsed JSON body with its sensitive leaves masked in place
 * by the walk that classified it, serialised only when the sample is taken; `'as-is'`: a JSON body the walk
 * covered fully without masking anything (the text is the sample); null: the walk did not cover the body
 * (or it is not JSON), so a separate classifying pass masks it.
 */
export type PendingBody = { readonly json: unknown } | 'as-is' | null;

/**
 * A sample not masked yet: the record and the masking decisions taken while it was applied (so a restart
 * masks the same). The masked text is built when changes are taken, so records pushed out of an
 * endpoint's last N before that are never serialised.
 */
export interface PendingSample {
  pending: true;
  seq: number;
  record: TrafficRecord;
  requestBody: PendingBody;
  responseBody: PendingBody;
  /**
   * Masking decided while the record was applied (bit i: the i-th header / query pair is masked), so a
   * sample masks the same whether it is materialised now or after a restart. null: classify at masking time.
   */
  requestHeaderMask: number | null;
  responseHeaderMask: number | null;
  queryMask: number | null;
  /** Bit i: path segment i (after the leading `/`) is masked. */
  pathMask: number | null;
}

export interface EndpointState {
  row: EndpointRow;
  collection: CollectionState;
  /** Template segments; null for GraphQL and declared-route endpoints (never templated or merged). */
  segments: string[] | null;
  /** Indexes of template tokens in `segments`. */
  tokenPositions: number[];
  /** Path parameter names, aligned with `tokenPositions`. */
  pathParamNames: string[];
  request: ParamBuckets;
  response: Map<number, ParamBuckets>;
  paramCount: number;
  /** Oldest first; pending ones are masked when changes are taken. */
  samples: (SampleRow | PendingSample)[];
  hourly: Map<number, number>;
  dirtyHours: Set<number>;
  dirty: boolean;
  samplesDirty: boolean;
  removed: boolean;
}

export interface CollectionState {
  row: CollectionRow;
  endpoints: Map<string, EndpointState>;
  /** Endpoints whose template has a STRING token: plain segments at those positions match them. */
  stringTemplates: EndpointState[];
  /** `method path` → endpoint for paths resolved through a STRING template; cleared on merges. */
  routeCache: Map<string, EndpointState>;
  /** Static siblings: key (method, segments with one position blanked) → endpoints. */
  siblingGroups: Map<string, Set<EndpointState>>;
  dirty: boolean;
  /** Estimated heap held by this collection and everything under it (see working-set.ts). */
  bytes: number;
  /** The engine's apply counter when a record last touched it: least recently used leaves first. */
  lastUsed: number;
}

export function emptyBuckets(): ParamBuckets {
  return { header: new Map(), cookie: new Map(), query: new Map(), path: new Map(), body: new Map() };
}

export function bucketsFor(
  ep: EndpointState,
  location: ParameterLocation,
  status: number | null,
): ParamBuckets {
  if (location === 'request') return ep.request;
  const s = status ?? 0;
  let b = ep.response.get(s);
  if (b === undefined) {
    b = emptyBuckets();
    ep.response.set(s, b);
  }
  return b;
}

export function* allParams(ep: EndpointState): Generator<ParamState> {
  for (const m of Object.values(ep.request)) yield* m.values();
  for (const b of ep.response.values()) for (const m of Object.values(b)) yield* m.values();
}

/**
 * A declared route (see declared-route.ts): `row.declaredRoute`, or a stored path with a `{name}` segment
 * (rows written before the flag was stored). Declared and GraphQL endpoints get no segments: never
 * templated or merged.
 */
export function newEndpointState(row: EndpointRow, collection: CollectionState): EndpointState {
  const fixed = row.graphql !== undefined || row.declaredRoute === true || hasRouteParameters(row.path);
  const segments = fixed ? null : row.path === '/' ? [] : row.path.slice(1).split('/');
  const tokenPositions: number[] = [];
  if (segments) {
    for (let i = 0; i < segments.length; i++) if (isPathToken(segments[i] as string)) tokenPositions.push(i);
  }
  const pathParamNames = tokenPositions.map((i) => pathParameterName(segments?.[i] as string, i));
  return {
    row,
    collection,
    segments,
    tokenPositions,
    pathParamNames,
    request: emptyBuckets(),
    response: new Map(),
    paramCount: 0,
    samples: [],
    hourly: new Map(),
    dirtyHours: new Set(),
    dirty: false,
    samplesDirty: false,
    removed: false,
  };
}

export function addUnique<T>(list: T[], value: T): boolean {
  if (list.includes(value)) return false;
  list.push(value);
  return true;
}

/** Adds auth types; UNAUTHENTICATED only stays while nothing else was ever seen. */
export function mergeAuthTypes(target: AuthType[], seen: readonly AuthType[]): boolean {
  let changed = false;
  for (const t of seen) {
    if (t === 'UNAUTHENTICATED') {
      if (target.length === 0) {
        target.push(t);
        changed = true;
      }
      continue;
    }
    if (addUnique(target, t)) changed = true;
  }
  if (changed) {
    const i = target.indexOf('UNAUTHENTICATED');
    if (i >= 0 && target.length > 1) target.splice(i, 1);
    sortAuthTypes(target);
  }
  return changed;
}

/** Field by field: cheaper than spreads, and every take copies many of these. */
export function copyParameterRow(r: ParameterRow): ParameterRow {
  return {
    id: r.id,
    endpointId: r.endpointId,
    location: r.location,
    status: r.status,
    in: r.in,
    name: r.name,
    types: r.types.slice(),
    sensitive: r.sensitive.slice(),
    firstSeen: r.firstSeen,
    lastSeen: r.lastSeen,
    count: r.count,
    examples: r.examples.slice(),
  };
}

export function copyEndpointRow(r: EndpointRow): EndpointRow {
  const copy: EndpointRow = {
    ...r,
    authTypes: [...r.authTypes],
    sensitive: [...r.sensitive],
    statusCodes: [...r.statusCodes],
  };
  if (r.graphql) copy.graphql = { ...r.graphql };
  return copy;
}

export function copyCollectionRow(r: CollectionRow): CollectionRow {
  return { ...r, tags: { ...r.tags } };
}

export function copySample(s: SampleRow): SampleRow {
  return {
    ...s,
    request: { ...s.request, headers: { ...s.request.headers } },
    response: { ...s.response, headers: { ...s.response.headers } },
  };
}

/** Masked samples never change, so they are frozen and shared with callers instead of copied. */
export function freezeSample(s: SampleRow): SampleRow {
  Object.freeze(s.request.headers);
  Object.freeze(s.request);
  Object.freeze(s.response.headers);
  Object.freeze(s.response);
  return Object.freeze(s);
}

/** Endpoint-level sensitive classes: what parameters carry, minus name-based secrets (credentials are auth, not data). */
export function endpointSensitive(list: SensitiveClass[], add: readonly SensitiveClass[]): boolean {
  let changed = false;
  for (const s of add) if (s !== 'SECRET' && addUnique(list, s)) changed = true;
  return changed;
}
