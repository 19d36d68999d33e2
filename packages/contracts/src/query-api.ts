/**
 * Response shapes of the query API (`GET /api/...`), shared by the server, which builds them, and the
 * dashboard, which reads them. Times are ISO 8601 strings.
 */

export type ApiAuthType =
  | 'BEARER'
  | 'BASIC'
  | 'AUTHORIZATION_HEADER'
  | 'API_KEY'
  | 'JWT'
  | 'SESSION_TOKEN'
  | 'MTLS'
  | 'IAM'
  | 'COGNITO'
  | 'OIDC'
  | 'LAMBDA_AUTHORIZER'
  | 'UNAUTHENTICATED';

export type ApiSensitiveClass =
  | 'EMAIL'
  | 'SSN'
  | 'CREDIT_CARD'
  | 'VIN'
  | 'PHONE_NUMBER'
  | 'ADDRESS'
  | 'JWT'
  | 'IP_ADDRESS'
  | 'SECRET';

export type ApiDataType =
  | 'NULL'
  | 'TRUE'
  | 'FALSE'
  | 'INTEGER_32'
  | 'INTEGER_64'
  | 'FLOAT'
  | 'STRING'
  | 'EMAIL'
  | 'URL'
  | 'SSN'
  | 'UUID'
  | 'JWT'
  | 'CREDIT_CARD'
  | 'PHONE_NUMBER'
  | 'IP_ADDRESS'
  | 'VIN'
  | 'OBJECT_ID'
  | 'DATE_TIME'
  | 'GENERIC'
  | 'OBJECT'
  | 'ARRAY';

/**
 * How an endpoint (or a collection) performs, from the records that carried the handler's performance
 * (Tapline's Lambda extension). Quantiles come from a DDSketch: within 1 % of the true value.
 */
export interface PerformanceDto {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Function errors and timeouts over invocations, 0..1. */
  errorRate: number;
  /** Cold starts over invocations, 0..1. */
  coldStartRate: number;
  invocations: number;
}

/** A function (and the version or alias the caller invoked) that served an endpoint. */
export interface FunctionDto {
  name: string;
  /** `live`, `7`, `$LATEST`; null when the record named none. */
  qualifier: string | null;
  calls: number;
}

/** The performance figures both listings sort by (collections without performance last either way). */
export const PERFORMANCE_SORT_KEYS = [
  'invocations',
  'p50Ms',
  'p95Ms',
  'p99Ms',
  'errorRate',
  'coldStartRate',
] as const;
export type PerformanceSortKey = (typeof PERFORMANCE_SORT_KEYS)[number];

/** `sort=` of `GET /api/collections/:id/endpoints`. */
export const ENDPOINT_SORT_KEYS = ['path', 'calls', ...PERFORMANCE_SORT_KEYS] as const;
export type EndpointSortKey = (typeof ENDPOINT_SORT_KEYS)[number];

/**
 * `sort=` of `GET /api/collections`. `authTypes` compares the sorted auth types joined by commas, `tags`
 * the sorted `key=value` pairs joined by commas (both by code point).
 */
export const COLLECTION_SORT_KEYS = [
  'name',
  'endpoints',
  'sensitiveParams',
  'authTypes',
  'tags',
  'firstSeen',
  'lastSeen',
  ...PERFORMANCE_SORT_KEYS,
] as const;
export type CollectionSortKey = (typeof COLLECTION_SORT_KEYS)[number];

export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export interface CollectionDto {
  id: string;
  /**
   * The host when there is one, else `vxlan-<id>` or the record source; an API Gateway stage adds
   * `#<stage>` (`abc123.execute-api.eu-west-1.amazonaws.com#prod`; on a custom domain `#<stage>#<apiId>`).
   */
  name: string;
  host: string | null;
  tags: Record<string, string>;
  endpoints: number;
  /** Parameters with any sensitive class. */
  sensitiveParams: number;
  authTypes: ApiAuthType[];
  firstSeen: string;
  lastSeen: string;
  /** Calls to endpoints not stored because the collection reached its endpoint cap. */
  callsOverEndpointCap: number;
  /** Parameter values not stored because their endpoint reached its parameter cap. */
  valuesOverParameterCap: number;
  /** Each invocation once, however many endpoints it touched; null when no record carried performance. */
  performance: PerformanceDto | null;
}

export interface EndpointDto {
  id: string;
  collectionId: string;
  method: string;
  /** Templated path, e.g. `/users/INTEGER` or `/graphql/query/getPost`. */
  path: string;
  authTypes: ApiAuthType[];
  sensitive: ApiSensitiveClass[];
  statusCodes: number[];
  calls: number;
  firstSeen: string;
  lastSeen: string;
  /** Present for GraphQL endpoints. */
  graphql?: { operationType: 'query' | 'mutation' | 'subscription' | null; field: string };
  /** Null when no record carried performance. */
  performance: PerformanceDto | null;
  /** Most calls first; at most 20 (see `otherFunctionCalls`). */
  functions: FunctionDto[];
  /** Calls of functions beyond the 20 kept per endpoint. */
  otherFunctionCalls: number;
  /**
   * Present for a route its trigger declared (API Gateway `resource` / `routeKey`): the path is the route
   * with its own parameter names, and the templating heuristics leave it alone.
   */
  declaredRoute?: true;
}

export interface ParameterDto {
  id: string;
  location: 'request' | 'response';
  /** Response status for response parameters, null for request parameters. */
  status: number | null;
  in: 'header' | 'cookie' | 'query' | 'path' | 'body';
  /** Flattened name: `a#b#$#c` for `a.b[0].c` in bodies. */
  name: string;
  types: ApiDataType[];
  sensitive: ApiSensitiveClass[];
  firstSeen: string;
  lastSeen: string;
  count: number;
  /** A few example values, masked when sensitive. */
  examples: string[];
}

export interface SampleDto {
  seq: number;
  time: string;
  request: { method: string; path: string; headers: Record<string, string>; body: string; ip: string };
  response: { statusCode: number; headers: Record<string, string>; body: string };
}

export interface HourlyDto {
  /** Start of the hour. */
  hour: string;
  calls: number;
}

export interface HourlyPerformanceDto extends PerformanceDto {
  /** Start of the hour. */
  hour: string;
}

/**
 * Query parameters of `GET /api/collections`, all optional. `tag`: `<key>:<value>` (`stage:prod`),
 * repeatable; a collection is listed when it has every one of them.
 */
export interface CollectionsQuery {
  /** 1-based; default 1. A page past the end is empty (the total still counts every match). */
  page?: string;
  /** Default 50, at most 500. */
  pageSize?: string;
  /** Case-insensitive substring of the name, the host or a tag written `key=value`. */
  search?: string;
  tag?: string | string[];
  /**
   * One of COLLECTION_SORT_KEYS; default `name`. Collections without performance come last in either
   * order when sorting by a performance figure; ties by name (ascending).
   */
  sort?: string;
  /** `asc` or `desc`; default `asc` for `name`, `authTypes` and `tags`, `desc` for the others. */
  order?: string;
}

export interface CollectionsResponse {
  /** One page of the matching collections, in the order asked for. */
  collections: CollectionDto[];
  /** Collections matching the filter, over all pages. */
  total: number;
}

export interface CollectionResponse {
  collection: CollectionDto;
}

export interface EndpointsResponse {
  endpoints: EndpointDto[];
  /** Endpoints matching the filter, over all pages. */
  total: number;
}

export interface EndpointDetailResponse {
  endpoint: EndpointDto;
  parameters: ParameterDto[];
  samples: SampleDto[];
  hourly: HourlyDto[];
  /** Oldest first; only hours in which records carried performance. */
  hourlyPerformance: HourlyPerformanceDto[];
}
