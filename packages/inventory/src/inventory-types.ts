/**
 * The contract between the pure inventory engine and whatever stores its output (SQLite now,
 * PostgreSQL later). The engine never does I/O: it is loaded from an `InventorySnapshot`, fed
 * `LoggedRecord`s in log order, and hands back `InventoryChanges` that the store must commit in ONE
 * transaction together with `changes.checkpoint`. That is what makes processing at-least-once
 * yet idempotent: after a crash the engine is re-loaded from the last committed snapshot and the
 * log is replayed from the committed checkpoint, so nothing is lost or counted twice.
 *
 * Times are epoch seconds. Ids are deterministic (derived from what they identify), so a replay
 * produces the same ids.
 */
import type { TrafficRecord } from '@tapline/contracts';
import type { PerformanceRows } from './performance-types.js';

/** A traffic record with its position in the durable traffic log. `seq` increases strictly. */
export interface LoggedRecord {
  seq: number;
  record: TrafficRecord;
}

export const DATA_TYPES = [
  'NULL',
  'TRUE',
  'FALSE',
  'INTEGER_32',
  'INTEGER_64',
  'FLOAT',
  'STRING',
  'EMAIL',
  'URL',
  'SSN',
  'UUID',
  'JWT',
  'CREDIT_CARD',
  'PHONE_NUMBER',
  'IP_ADDRESS',
  'VIN',
  'OBJECT_ID',
  'DATE_TIME',
  'GENERIC',
  'OBJECT',
  'ARRAY',
] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** Sensitive-data classes; a subset of the data types, plus secrets found by name (tokens, passwords). */
export const SENSITIVE_CLASSES = [
  'EMAIL',
  'SSN',
  'CREDIT_CARD',
  'VIN',
  'PHONE_NUMBER',
  'ADDRESS',
  'JWT',
  'IP_ADDRESS',
  'SECRET',
] as const;
export type SensitiveClass = (typeof SENSITIVE_CLASSES)[number];

export const AUTH_TYPES = [
  'BEARER',
  'BASIC',
  'AUTHORIZATION_HEADER',
  'API_KEY',
  'JWT',
  'SESSION_TOKEN',
  'MTLS',
  // Authentication the platform performed (API Gateway authorizers, AppSync modes), from `platformAuth`.
  'IAM',
  'COGNITO',
  'OIDC',
  'LAMBDA_AUTHORIZER',
  'UNAUTHENTICATED',
] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

export type ParameterLocation = 'request' | 'response';
export type ParameterIn = 'header' | 'cookie' | 'query' | 'path' | 'body';

export interface CollectionRow {
  id: string;
  /** Display name: the host when there is one. */
  name: string;
  host: string | null;
  tags: Record<string, string>;
  firstSeen: number;
  lastSeen: number;
  /** Calls to endpoints not stored because the collection had reached its endpoint cap. */
  callsOverEndpointCap: number;
  /** Parameter values not stored because their endpoint had reached its parameter cap. */
  valuesOverParameterCap: number;
}

export interface EndpointRow {
  id: string;
  collectionId: string;
  method: string;
  /** Templated path, e.g. `/users/INTEGER` or `/graphql/query/getPost`. */
  path: string;
  authTypes: AuthType[];
  /** Sensitive classes seen in any parameter of this endpoint. */
  sensitive: SensitiveClass[];
  statusCodes: number[];
  calls: number;
  firstSeen: number;
  lastSeen: number;
  /** Present for GraphQL endpoints. */
  graphql?: { operationType: 'query' | 'mutation' | 'subscription' | null; field: string };
  /**
   * Present (true) for a route its trigger declared (API Gateway `resource` / `routeKey`): stored, so the
   * endpoint stays out of templating and sibling merging after it is loaded again.
   */
  declaredRoute?: true;
}

export interface ParameterRow {
  /** Deterministic: endpointId + location + status + in + name. */
  id: string;
  endpointId: string;
  location: ParameterLocation;
  /** Response status code for response parameters, null for request parameters. */
  status: number | null;
  in: ParameterIn;
  /** Flattened name: `a#b#$#c` for `a.b[0].c` in bodies; the header, cookie or query name otherwise. */
  name: string;
  types: DataType[];
  sensitive: SensitiveClass[];
  firstSeen: number;
  lastSeen: number;
  count: number;
  /** A few example values, already masked when sensitive. */
  examples: string[];
}

/** One stored request/response pair; secrets are masked before it leaves the engine. */
export interface SampleRow {
  endpointId: string;
  seq: number;
  time: number;
  request: { method: string; path: string; headers: Record<string, string>; body: string; ip: string };
  response: { statusCode: number; headers: Record<string, string>; body: string };
}

export interface HourlyCountRow {
  endpointId: string;
  /** Epoch seconds at the start of the hour. */
  hour: number;
  /** Absolute count for that hour (not a delta), so re-writing it is idempotent. */
  calls: number;
}

/** Everything the engine knows; what the store loads at start. */
export interface InventorySnapshot {
  /** Seq of the last record whose effects are included; 0 when empty. */
  checkpoint: number;
  collections: CollectionRow[];
  endpoints: EndpointRow[];
  parameters: ParameterRow[];
  /** Up to 10 per endpoint, oldest first. */
  samples: SampleRow[];
  hourly: HourlyCountRow[];
  /** Performance and functions (hourly rows: the open hours at least, see PERFORMANCE_OPEN_HOURS). */
  performance: PerformanceRows;
}

/**
 * A record set aside instead of applied: applying it killed the engine thread on every attempt, so it is
 * kept (with why) for a person to look at, and the log moves on past it.
 */
export interface IsolatedRecord {
  seq: number;
  reason: string;
  record: TrafficRecord;
  /** Epoch milliseconds. */
  isolatedAt: number;
}

/** The rows of some collections (what a store loads on demand): a snapshot without its checkpoint. */
export type InventoryPart = Omit<InventorySnapshot, 'checkpoint'>;

/** What changed since the last `takeChanges()`; to be committed atomically with `checkpoint`. */
export interface InventoryChanges {
  checkpoint: number;
  /** Upserts (full rows). */
  collections: CollectionRow[];
  endpoints: EndpointRow[];
  parameters: ParameterRow[];
  /**
   * Endpoints whose rows in `parameters` are every parameter they have (a call that carried all of
   * them, or a new endpoint): a store keeping an endpoint's parameters in one row can write it without
   * reading what it holds. Absent: merge every endpoint's changed rows into the stored ones.
   */
  completeParameters?: string[];
  hourly: HourlyCountRow[];
  /** For each endpoint listed, its complete current sample list (replace what is stored). */
  samples: { endpointId: string; samples: SampleRow[] }[];
  /** Upserts of full performance and function rows (removed endpoints' rows go with them). */
  performance: PerformanceRows;
  /** Endpoints folded into a template (e.g. ten static siblings merged into `/STRING`): delete them with their parameters, samples and counts. */
  removedEndpointIds: string[];
  /** How many records of the batch were skipped by the filters (not 2xx/302, health checks, self-traffic). */
  filtered: number;
  processed: number;
  /** Records that could not be read at all (malformed); skipped, their seq still passes the checkpoint. */
  failed?: number;
  /** Records set aside (see `IsolatedRecord`), stored in the same transaction as the checkpoint. */
  isolated?: IsolatedRecord[];
  /** Endpoints created in this batch of changes (endpoints in the store = before + created − removed). */
  endpointsCreated: number;
  /** What the cardinality caps kept out since the last take (also counted on the collection rows). */
  overCap: OverCapCounts;
}

export interface OverCapCounts {
  calls: number;
  values: number;
  /** Collections whose counter left zero in this batch (reported once per collection and kind). */
  reached: { collectionId: string; name: string; cap: 'endpoints' | 'parameters' }[];
}

export interface InventoryOptions {
  /** Status codes that count toward the inventory; default: 200-299 and 302. */
  acceptStatus?: (statusCode: number) => boolean;
  /** Paths containing any of these are ignored; default `['/health', 'api/ingestData']`. */
  ignorePathsContaining?: string[];
  /**
   * Per endpoint; default 1000. Room for a large JSON body's leaves plus every header and cookie; a
   * parameter beyond it (random query keys, ids used as keys) is counted on the collection, not stored.
   */
  maxParametersPerEndpoint?: number;
  /**
   * Per collection; default 2000. Big public APIs have hundreds to about a thousand operations; beyond
   * this a collection is almost always an id the templater does not recognise, so calls to endpoints
   * beyond it are counted on the collection, not stored.
   */
  maxEndpointsPerCollection?: number;
  /** Per endpoint; default 10. */
  maxSamplesPerEndpoint?: number;
}
