/**
 * The small interfaces between ingestion, the inventory worker and storage. SQLite implements them
 * now (src/sqlite); PostgreSQL (store, queries) and NATS JetStream (traffic log) implementations
 * slot in behind the same shapes without touching the engine or the HTTP layer.
 */
import type { TrafficRecord } from '@tapline/contracts';
import type {
  AuthType,
  CollectionRow,
  EndpointRow,
  HourlyCountRow,
  InventoryChanges,
  InventorySnapshot,
  LoggedRecord,
  ParameterRow,
  SampleRow,
  SensitiveClass,
} from '@tapline/inventory';

/** The durable, ordered log of accepted traffic records. */
export interface TrafficLog {
  /** Resolves only once the records are durably stored; seqs are consecutive within one call. */
  append(records: readonly TrafficRecord[]): Promise<{ firstSeq: number; lastSeq: number }>;
  /** Records with `seq > afterSeq`, in seq order, at most `limit`. */
  readAfter(afterSeq: number, limit: number): Promise<LoggedRecord[]>;
  /** Seq of the last record ever appended (0 when none), even if already pruned. */
  headSeq(): Promise<number>;
  /** Deletes records already processed (`seq <= processedUpTo`) and received before `receivedBefore` (epoch ms). */
  pruneProcessed(options: { processedUpTo: number; receivedBefore: number; limit: number }): Promise<number>;
  close(): Promise<void>;
}

/** Where the engine's aggregates live. `commit` writes all changes and the checkpoint in one transaction. */
export interface InventoryStore {
  loadSnapshot(): Promise<InventorySnapshot>;
  commit(changes: InventoryChanges): Promise<void>;
  checkpoint(): Promise<number>;
  endpointCount(): Promise<number>;
  close(): Promise<void>;
}

export interface CollectionListing extends CollectionRow {
  endpoints: number;
  /** Number of parameters with any sensitive class. */
  sensitiveParams: number;
  authTypes: AuthType[];
}

export interface EndpointFilter {
  /** Case-insensitive substring of the templated path. */
  search?: string;
  method?: string;
  /** A sensitive class, or `ANY`: endpoints with at least one class. */
  sensitive?: SensitiveClass | 'ANY';
  auth?: AuthType;
  /** Epoch milliseconds: only endpoints first seen strictly after this instant. */
  firstSeenAfter?: number;
  /** 1-based. */
  page: number;
  pageSize: number;
}

export interface EndpointDetail {
  endpoint: EndpointRow;
  parameters: ParameterRow[];
  samples: SampleRow[];
  hourly: HourlyCountRow[];
}

export interface OpenApiSource {
  collection: CollectionRow;
  endpoints: EndpointRow[];
  parameters: ParameterRow[];
  samples: SampleRow[];
}

/** Read side used by the query API. `undefined` means the id is unknown. */
export interface InventoryQueries {
  listCollections(): Promise<CollectionListing[]>;
  listEndpoints(
    collectionId: string,
    filter: EndpointFilter,
  ): Promise<{ endpoints: EndpointRow[]; total: number } | undefined>;
  getEndpoint(id: string): Promise<EndpointDetail | undefined>;
  collectionForOpenApi(id: string): Promise<OpenApiSource | undefined>;
  close(): Promise<void>;
}
