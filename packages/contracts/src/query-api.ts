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

/**
 * Query parameters of `GET /api/collections`. `tag`: `<key>:<value>` (`stage:prod`), repeatable; a
 * collection is listed when it has every one of them.
 */
export interface CollectionsQuery {
  tag?: string | string[];
}

export interface CollectionsResponse {
  collections: CollectionDto[];
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
}
