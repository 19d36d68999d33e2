/** Shapes of the query API (`packages/server/src/query/dto.ts`). Times are ISO 8601 strings. */

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

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export interface Collection {
  id: string;
  name: string;
  host: string | null;
  tags: Record<string, string>;
  endpoints: number;
  sensitiveParams: number;
  authTypes: string[];
  firstSeen: string;
  lastSeen: string;
}

export interface Endpoint {
  id: string;
  collectionId: string;
  method: string;
  path: string;
  authTypes: string[];
  sensitive: string[];
  statusCodes: number[];
  calls: number;
  firstSeen: string;
  lastSeen: string;
  graphql?: { operationType: 'query' | 'mutation' | 'subscription' | null; field: string };
}

export type ParameterIn = 'header' | 'cookie' | 'query' | 'path' | 'body';

export interface Parameter {
  id: string;
  location: 'request' | 'response';
  status: number | null;
  in: ParameterIn;
  name: string;
  types: string[];
  sensitive: string[];
  firstSeen: string;
  lastSeen: string;
  count: number;
  examples?: string[];
}

export interface Sample {
  seq: number;
  time: string;
  request: { method: string; path: string; headers: Record<string, string>; body: string; ip: string };
  response: { statusCode: number; headers: Record<string, string>; body: string };
}

export interface HourlyCount {
  hour: string;
  calls: number;
}

export interface EndpointDetail {
  endpoint: Endpoint;
  parameters: Parameter[];
  samples: Sample[];
  hourly: HourlyCount[];
}

export interface EndpointPage {
  endpoints: Endpoint[];
  total: number;
}
