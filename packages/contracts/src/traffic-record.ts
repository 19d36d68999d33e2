/**
 * One mirrored HTTP exchange, as Tapline handles it internally: typed fields, parsed headers.
 * The wire form (every field a string, as Akto's producers send it) is decoded in `wire-decode.ts` and written by `wire-encode.ts`.
 */

/** Traffic sources Akto's collector accepts; the Lambda extensions send `MIRRORING`. */
export const TRAFFIC_SOURCES = [
  'HAR',
  'PCAP',
  'MIRRORING',
  'SDK',
  'OTHER',
  'POSTMAN',
  'OPEN_API',
  'BURP',
  'IMPERVA',
  'WIZ',
] as const;
export type TrafficSource = (typeof TRAFFIC_SOURCES)[number];

/** A flat header map. Names keep the case the producer sent; look-ups should be case-insensitive. */
export type HeaderMap = Record<string, string>;

export interface TrafficRecord {
  /** Request path with the query string, e.g. `/items?id=3`. */
  path: string;
  method: string;
  requestHeaders: HeaderMap;
  responseHeaders: HeaderMap;
  /** Raw request body text (empty when there is none). */
  requestPayload: string;
  /** Raw response body text. */
  responsePayload: string;
  /** Client ip; may be an `X-Forwarded-For` chain. */
  ip: string;
  destIp?: string;
  /** Epoch seconds. */
  time: number;
  statusCode: number;
  /** Reason phrase, e.g. `OK`. */
  status: string;
  /** Protocol, e.g. `HTTP/1.1`. */
  type: string;
  accountId: string;
  vxlanId: string;
  isPending: boolean;
  source: TrafficSource;
  /** `1` incoming, `2` outgoing, when the producer says. */
  direction?: '1' | '2';
  /** Flat tag map, e.g. `{ service: 'lambda', source: 'AppSync' }`. */
  tag: Record<string, string>;
  /**
   * The host of an absolute-URL `path` (`https://host/books` as HAR imports and some proxies send it), which
   * the decoder moved out of `path`. Names the collection when there is no Host header. Not a wire field.
   */
  urlHost?: string;
  // What the Lambda platform told the function. Only Tapline's extension sends
  // these (wire fields in `lambda-wire-fields.ts`); records from other producers, such as Akto's Go extension, have none.
  /** The route the trigger declares: API Gateway REST `resource`, HTTP API `routeKey` path (`/users/{id}`). */
  declaredRoute?: string;
  /** API Gateway stage (`prod`), to become the collection tag `stage=`. */
  apiStage?: string;
  /** API Gateway API id, to become the collection tag `apiId=`. */
  apiId?: string;
  /** Who the platform authenticated and how; one entry per mechanism (a Cognito authorizer plus an API key). */
  platformAuth?: PlatformAuth[];
  /** How the invocation performed, as the extension measured it. */
  performance?: InvocationPerformance;
  /** The function that served the request, from the invoked ARN. */
  lambdaFunction?: LambdaFunctionRef;
}

/** Authentication the platform performed before the function ran (not guessed from headers). */
export const PLATFORM_AUTH_TYPES = ['IAM', 'COGNITO', 'OIDC', 'LAMBDA_AUTHORIZER', 'API_KEY'] as const;
export type PlatformAuthType = (typeof PLATFORM_AUTH_TYPES)[number];

/**
 * One authentication mechanism as the event describes it. Identities and claims are personal data the
 * inventory masks at rest; raw credentials (API key values, access keys, tokens) are never carried.
 */
export interface PlatformAuth {
  type: PlatformAuthType;
  /** Who: Cognito/OIDC `sub`, IAM user ARN (or caller), Lambda authorizer `principalId`, API key id. */
  principal?: string;
  /** Token issuer (Cognito user pool or OIDC provider URL). */
  issuer?: string;
  /** AWS account of an IAM caller. */
  accountId?: string;
  /** OAuth scopes a JWT authorizer granted. */
  scopes?: string[];
  /** Token claims or Lambda authorizer context, flattened to strings. */
  claims?: Record<string, string>;
}

export const INVOCATION_OUTCOMES = ['ok', 'function_error', 'timeout'] as const;
export type InvocationOutcome = (typeof INVOCATION_OUTCOMES)[number];

export interface InvocationPerformance {
  /** Event handed to the runtime → its result received, in milliseconds. */
  durationMs: number;
  /** The first invocation this execution environment served (not for provisioned concurrency). */
  coldStart: boolean;
  /** Extension start → the runtime's first `invocation/next`, on a cold start of an on-demand environment. */
  initDurationMs?: number;
  outcome: InvocationOutcome;
}

export interface LambdaFunctionRef {
  name: string;
  /** Version or alias from the invoked ARN; the running version when the ARN has none. */
  qualifier?: string;
}

/** Defaults the Lambda extensions use for the Akto bookkeeping fields. */
export const LAMBDA_RECORD_DEFAULTS = {
  accountId: '1000000',
  vxlanId: '0',
  isPending: false,
  source: 'MIRRORING',
  type: 'HTTP/1.1',
} as const satisfies Partial<TrafficRecord>;
