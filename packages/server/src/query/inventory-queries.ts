import type { CollectionSortKey, EndpointSortKey, SortOrder } from '@tapline/contracts';
import type {
  AuthType,
  CollectionRow,
  EndpointRow,
  FunctionCalls,
  HourlyCountRow,
  ParameterRow,
  PerformanceSummary,
  SampleRow,
  SensitiveClass,
} from '@tapline/inventory';

export interface CollectionListing extends CollectionRow {
  endpoints: number;
  /** Number of parameters with any sensitive class. */
  sensitiveParams: number;
  authTypes: AuthType[];
  /** Null when no record of the collection carried performance. */
  performance: PerformanceSummary | null;
}

/** An endpoint with how it performs and the functions that served it. */
export interface EndpointListing extends EndpointRow {
  performance: PerformanceSummary | null;
  functions: FunctionCalls[];
  otherFunctionCalls: number;
}

export interface HourlyPerformance extends PerformanceSummary {
  /** Epoch seconds at the start of the hour. */
  hour: number;
}

export interface CollectionFilter {
  /** Collection tags that must all be present with these values (`stage=prod`, `apiId=abc123`). */
  tags?: { key: string; value: string }[];
  /** Case-insensitive (ASCII) substring of the name, the host or a tag written `key=value`. */
  search?: string;
  /** Ordering rules in collection-order.ts (shared by every store). Default `name`. */
  sort?: CollectionSortKey;
  order?: SortOrder;
  /** 1-based. */
  page: number;
  pageSize: number;
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
  /**
   * Default `path` (then method). The performance keys compare invocations, quantiles or the error and
   * cold-start rates (errors / invocations); endpoints without performance come last in either order;
   * ties by path and method.
   */
  sort?: EndpointSortKey;
  /** Default `asc` for `path`, `desc` for the others. */
  order?: SortOrder;
  /** 1-based. */
  page: number;
  pageSize: number;
}

export interface EndpointDetail {
  endpoint: EndpointListing;
  parameters: ParameterRow[];
  samples: SampleRow[];
  hourly: HourlyCountRow[];
  /** Oldest first. */
  hourlyPerformance: HourlyPerformance[];
}

export interface OpenApiSource {
  collection: CollectionRow;
  endpoints: EndpointRow[];
  parameters: ParameterRow[];
  samples: SampleRow[];
}

/**
 * Read side used by the query API. `undefined` means the id is unknown. SQLite implements it
 * (sqlite-inventory-queries.ts); every implementation runs testkit's `inventoryQueriesContract`.
 */
export interface InventoryQueries {
  /** One page of the matching collections, and how many match over all pages. */
  listCollections(filter: CollectionFilter): Promise<{ collections: CollectionListing[]; total: number }>;
  getCollection(id: string): Promise<CollectionListing | undefined>;
  listEndpoints(
    collectionId: string,
    filter: EndpointFilter,
  ): Promise<{ endpoints: EndpointListing[]; total: number } | undefined>;
  getEndpoint(id: string): Promise<EndpointDetail | undefined>;
  collectionForOpenApi(id: string): Promise<OpenApiSource | undefined>;
  close(): Promise<void>;
}
