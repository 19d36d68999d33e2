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
}

/** What changed since the last `takeChanges()`; to be committed atomically with `checkpoint`. */
export interface InventoryChanges {
  checkpoint: number;
  /** Upserts (full rows). */
  collections: CollectionRow[];
  endpoints: EndpointRow[];
  parameters: ParameterRow[];
  hourly: HourlyCountRow[];
  /** For each endpoint listed, its complete current sample list (replace what is stored). */
  samples: { endpointId: string; samples: SampleRow[] }[];
  /** Endpoints folded into a template (e.g. ten static siblings merged into `/STRING`): delete them with their parameters, samples and counts. */
  removedEndpointIds: string[];
  /** How many records of the batch were skipped by the filters (not 2xx/302, health checks, self-traffic). */
  filtered: number;
  processed: number;
  /** Records that could not be read at all (malformed); skipped, their seq still passes the checkpoint. */
  failed?: number;
}

export interface InventoryOptions {
  /** Status codes that count toward the inventory; default: 200-299 and 302. */
  acceptStatus?: (statusCode: number) => boolean;
  /** Paths containing any of these are ignored; default `['/health', 'api/ingestData']`. */
  ignorePathsContaining?: string[];
  /** Per endpoint; default 1000. */
  maxParametersPerEndpoint?: number;
  /** Per endpoint; default 10. */
  maxSamplesPerEndpoint?: number;
}
