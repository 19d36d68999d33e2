import {
  type HeaderMap,
  type InvocationPerformance,
  LAMBDA_RECORD_DEFAULTS,
  type LambdaFunctionRef,
  reasonPhrase,
  type TrafficRecord,
} from '@tapline/contracts';
import type { RequestShape } from './event-mapping/index.js';
import type { ResponseShape } from './response-mapping.js';

export interface RecordOptions {
  functionName: string;
  maxBodyBytes: number;
  maskHeaders: ReadonlySet<string>;
  /** Epoch seconds of the invocation. */
  time: number;
  performance?: InvocationPerformance;
  lambdaFunction?: LambdaFunctionRef;
}

/** Cuts a body at `max` UTF-8 bytes (on a character boundary) and says how big it was. */
export function truncateBody(text: string, max: number, originalBytes?: number): string {
  const size = Math.max(originalBytes ?? 0, Buffer.byteLength(text));
  if (size <= max) return text;
  let cut = Buffer.from(text).subarray(0, max).toString('utf8');
  if (cut.endsWith('\uFFFD')) cut = cut.slice(0, -1);
  return `${cut}…[truncated by tapline: ${size} bytes]`;
}

/** `Bearer abc` → `Bearer ****`; anything else → `****`. */
export function maskValue(value: string): string {
  const m = /^([A-Za-z][A-Za-z0-9_-]*)\s+\S/.exec(value);
  return m ? `${m[1]} ****` : '****';
}

export function maskHeaders(headers: HeaderMap, names: ReadonlySet<string>): HeaderMap {
  if (names.size === 0) return headers;
  const out: HeaderMap = {};
  for (const [k, v] of Object.entries(headers)) out[k] = names.has(k.toLowerCase()) ? maskValue(v) : v;
  return out;
}

export function buildRecord(
  request: RequestShape,
  response: ResponseShape,
  options: RecordOptions,
): TrafficRecord {
  const tag: Record<string, string> = { service: 'lambda', function: options.functionName, ...request.tags };
  const record: TrafficRecord = {
    path: request.path,
    method: request.method,
    requestHeaders: maskHeaders(request.headers, options.maskHeaders),
    responseHeaders: maskHeaders(response.headers, options.maskHeaders),
    requestPayload: truncateBody(request.body, options.maxBodyBytes, request.originalBytes),
    responsePayload: truncateBody(response.body, options.maxBodyBytes, response.originalBytes),
    ip: request.ip,
    time: options.time,
    statusCode: response.statusCode,
    status: reasonPhrase(response.statusCode),
    type: LAMBDA_RECORD_DEFAULTS.type,
    accountId: LAMBDA_RECORD_DEFAULTS.accountId,
    vxlanId: LAMBDA_RECORD_DEFAULTS.vxlanId,
    isPending: LAMBDA_RECORD_DEFAULTS.isPending,
    source: LAMBDA_RECORD_DEFAULTS.source,
    tag,
  };
  const facts = request.platform;
  if (facts !== undefined) {
    if (facts.declaredRoute !== undefined) record.declaredRoute = facts.declaredRoute;
    if (facts.apiStage !== undefined) record.apiStage = facts.apiStage;
    if (facts.apiId !== undefined) record.apiId = facts.apiId;
    if (facts.platformAuth !== undefined) record.platformAuth = facts.platformAuth;
  }
  if (options.performance !== undefined) record.performance = options.performance;
  if (options.lambdaFunction !== undefined) record.lambdaFunction = options.lambdaFunction;
  return record;
}
