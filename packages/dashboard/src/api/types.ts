/** Shapes of the query API (declared in `@tapline/contracts`). Times are ISO 8601 strings. */

import type {
  CollectionDto,
  CollectionsResponse,
  EndpointDetailResponse,
  EndpointDto,
  EndpointsResponse,
  FunctionDto,
  HourlyDto,
  HourlyPerformanceDto,
  ParameterDto,
  PerformanceDto,
  SampleDto,
} from '@tapline/contracts';
import type { AuthType as EngineAuthType, SensitiveClass as EngineSensitiveClass } from '@tapline/inventory';

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
] as const satisfies readonly EngineSensitiveClass[];
export type SensitiveClass = (typeof SENSITIVE_CLASSES)[number];
// The browser bundle cannot import the engine package for two lists, so the compiler checks they match it.
const sensitiveClassesComplete: Exclude<EngineSensitiveClass, SensitiveClass> extends never ? true : false =
  true;

export const AUTH_TYPES = [
  'BEARER',
  'BASIC',
  'AUTHORIZATION_HEADER',
  'API_KEY',
  'JWT',
  'SESSION_TOKEN',
  'MTLS',
  'IAM',
  'COGNITO',
  'OIDC',
  'LAMBDA_AUTHORIZER',
  'UNAUTHENTICATED',
] as const satisfies readonly EngineAuthType[];
export type AuthType = (typeof AUTH_TYPES)[number];
const authTypesComplete: Exclude<EngineAuthType, AuthType> extends never ? true : false = true;
void sensitiveClassesComplete;
void authTypesComplete;

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** The query API's response shapes, from the contract the server builds them to. */
export type Collection = CollectionDto;
export type CollectionPage = CollectionsResponse;
export type Endpoint = EndpointDto;
export type ParameterIn = ParameterDto['in'];
export type Parameter = ParameterDto;
export type Sample = SampleDto;
export type HourlyCount = HourlyDto;
export type EndpointDetail = EndpointDetailResponse;
export type EndpointPage = EndpointsResponse;
export type Performance = PerformanceDto;
export type HourlyPerformance = HourlyPerformanceDto;
export type LambdaFunction = FunctionDto;
