import type {
  AuthType,
  CollectionRow,
  EndpointRow,
  HourlyCountRow,
  ParameterRow,
  SampleRow,
  SensitiveClass,
} from '@tapline/inventory';

export interface CollectionListing extends CollectionRow {
  endpoints: number;
  /** Number of parameters with any sensitive class. */
  sensitiveParams: number;
  authTypes: AuthType[];
}

export interface CollectionFilter {
  /** Collection tags that must all be present with these values (`stage=prod`, `apiId=abc123`). */
  tags?: { key: string; value: string }[];
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

/**
 * Read side used by the query API. `undefined` means the id is unknown. SQLite implements it
 * (sqlite-inventory-queries.ts); every implementation runs testkit's `inventoryQueriesContract`.
 */
export interface InventoryQueries {
  listCollections(filter?: CollectionFilter): Promise<CollectionListing[]>;
  listEndpoints(
    collectionId: string,
    filter: EndpointFilter,
  ): Promise<{ endpoints: EndpointRow[]; total: number } | undefined>;
  getEndpoint(id: string): Promise<EndpointDetail | undefined>;
  collectionForOpenApi(id: string): Promise<OpenApiSource | undefined>;
  close(): Promise<void>;
}
