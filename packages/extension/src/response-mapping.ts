import type { HeaderMap } from '@tapline/contracts';
import {
  decodeBody,
  flatHeaders,
  headerValue,
  isObject,
  mergeHeaders,
} from './event-mapping/request-shape.js';

/** The response half of a mirrored record. */
export interface ResponseShape {
  statusCode: number;
  headers: HeaderMap;
  body: string;
  /** Set when the captured bytes were cut: the size the runtime actually sent. */
  originalBytes?: number;
}

export interface ResultInput {
  kind: 'response' | 'error';
  /** Raw bytes the runtime posted (possibly a streamed body). */
  body: Buffer;
  requestHeaders: HeaderMap;
  /** Streaming error trailers, when present. */
  trailers: HeaderMap;
  /** How the request is read: AppSync results become the GraphQL response the client sees. */
  eventKind: 'http' | 'appsync' | 'direct';
  fieldName?: string;
  /** AppSync direct resolvers: a function error is what the client sees, a GraphQL `errors` entry. */
  graphqlErrors?: boolean;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const STREAM_PRELUDE_TYPE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_SEPARATOR = Buffer.alloc(8);

function validStatus(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{3}$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

function errorResponse(input: ResultInput): ResponseShape {
  const headers: HeaderMap = { ...JSON_HEADERS };
  const errorType =
    headerValue(input.trailers, 'lambda-runtime-function-error-type') ??
    headerValue(input.requestHeaders, 'lambda-runtime-function-error-type');
  if (errorType !== undefined) headers['lambda-runtime-function-error-type'] = errorType;
  const trailerBody = headerValue(input.trailers, 'lambda-runtime-function-error-body');
  const body =
    trailerBody !== undefined
      ? Buffer.from(trailerBody, 'base64').toString('utf8')
      : input.body.toString('utf8');
  return { statusCode: 500, headers, body };
}

/** Reads an API Gateway / ALB / function URL proxy result; undefined when the result is not one. */
function proxyResult(value: unknown): ResponseShape | undefined {
  if (!isObject(value)) return undefined;
  const statusCode = validStatus(value.statusCode);
  if (statusCode === undefined) return undefined;
  if (value.body !== undefined && value.body !== null && typeof value.body !== 'string') return undefined;
  const headers = mergeHeaders(value.headers, value.multiValueHeaders);
  if (Array.isArray(value.cookies) && value.cookies.length > 0)
    headers['set-cookie'] = value.cookies.map(String).join(', ');
  const body = decodeBody(value.body ?? '', value.isBase64Encoded, headerValue(headers, 'content-type'));
  return { statusCode, headers, body };
}

/** Function URL response streaming: a JSON prelude, eight NUL bytes, then the body. */
function streamedResult(input: ResultInput): ResponseShape | undefined {
  const contentType = headerValue(input.requestHeaders, 'content-type');
  if (contentType === undefined || !contentType.startsWith(STREAM_PRELUDE_TYPE)) return undefined;
  const at = input.body.indexOf(PRELUDE_SEPARATOR);
  if (at < 0) return undefined;
  let prelude: unknown;
  try {
    prelude = JSON.parse(input.body.subarray(0, at).toString('utf8'));
  } catch {
    return undefined;
  }
  const body = input.body.subarray(at + PRELUDE_SEPARATOR.length).toString('utf8');
  const headers = isObject(prelude) ? flatHeaders(prelude.headers) : {};
  if (isObject(prelude) && Array.isArray(prelude.cookies) && prelude.cookies.length > 0) {
    headers['set-cookie'] = prelude.cookies.map(String).join(', ');
  }
  return {
    statusCode: (isObject(prelude) ? validStatus(prelude.statusCode) : undefined) ?? 200,
    headers,
    body,
  };
}

/** `{errorMessage, errorType}` of a function error body, when it has them. */
function errorFields(body: string, fallbackType: string | undefined): { message: string; type: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const message = isObject(parsed) && typeof parsed.errorMessage === 'string' ? parsed.errorMessage : body;
  const type =
    (isObject(parsed) && typeof parsed.errorType === 'string' ? parsed.errorType : undefined) ??
    fallbackType ??
    'Lambda:Unhandled';
  return { message, type };
}

/** The GraphQL response AppSync gives for a field whose resolver failed. */
function graphqlError(field: string, message: string, type: string, data = 'null'): string {
  const key = JSON.stringify(field);
  return `{"data":{${key}:${data}},"errors":[${JSON.stringify({ message, errorType: type, path: [field] })}]}`;
}

function graphqlErrorResponse(input: ResultInput): ResponseShape {
  const error = errorResponse(input);
  const { message, type } = errorFields(error.body, error.headers['lambda-runtime-function-error-type']);
  return {
    statusCode: 200,
    headers: { ...JSON_HEADERS },
    body: graphqlError(input.fieldName ?? 'result', message, type),
  };
}

/**
 * What the caller saw when the function timed out: AppSync answers a GraphQL error; for HTTP triggers the
 * record says 504 with the platform's error body (API Gateway's own status for it varies by API type).
 */
export function timeoutResponse(
  eventKind: ResultInput['eventKind'],
  fieldName: string | undefined,
  message: string,
): ResponseShape {
  if (eventKind === 'appsync')
    return {
      statusCode: 200,
      headers: { ...JSON_HEADERS },
      body: graphqlError(fieldName ?? 'result', message, 'Sandbox.Timedout'),
    };
  return {
    statusCode: 504,
    headers: { ...JSON_HEADERS, 'lambda-runtime-function-error-type': 'Sandbox.Timedout' },
    body: JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage: message }),
  };
}

const ITEM_ERROR_KEYS: ReadonlySet<string> = new Set(['data', 'errorMessage', 'errorType', 'errorInfo']);

/** A batch item answered as `{data, errorMessage, errorType}`: AppSync's per-item error convention. */
function itemError(value: unknown): { data: unknown; message: string; type: string } | undefined {
  if (!isObject(value) || typeof value.errorMessage !== 'string') return undefined;
  for (const key in value) if (!ITEM_ERROR_KEYS.has(key)) return undefined;
  return {
    data: value.data ?? null,
    message: value.errorMessage,
    type: typeof value.errorType === 'string' ? value.errorType : 'Lambda:Unhandled',
  };
}

/**
 * A `BatchInvoke` result: item i of the returned array answers request i. A failed invocation fails
 * every item; a missing item is null, as AppSync resolves it.
 */
export function mapBatchResults(input: ResultInput, fields: readonly string[]): ResponseShape[] {
  const trailerError = headerValue(input.trailers, 'lambda-runtime-function-error-type');
  if (input.kind === 'error' || trailerError !== undefined) {
    const error = errorResponse(input);
    const { message, type } = errorFields(error.body, error.headers['lambda-runtime-function-error-type']);
    return fields.map((f) => ({
      statusCode: 200,
      headers: { ...JSON_HEADERS },
      body: graphqlError(f, message, type),
    }));
  }
  let results: unknown;
  try {
    results = JSON.parse(input.body.toString('utf8'));
  } catch {
    results = undefined;
  }
  const list = Array.isArray(results) ? results : [];
  return fields.map((field, i) => {
    const value: unknown = list[i] ?? null;
    const failed = itemError(value);
    const body =
      failed !== undefined
        ? graphqlError(field, failed.message, failed.type, JSON.stringify(failed.data))
        : `{"data":{${JSON.stringify(field)}:${JSON.stringify(value)}}}`;
    return { statusCode: 200, headers: { ...JSON_HEADERS }, body };
  });
}

export function mapResult(input: ResultInput): ResponseShape {
  const trailerError = headerValue(input.trailers, 'lambda-runtime-function-error-type');
  if (input.kind === 'error' || trailerError !== undefined)
    return input.graphqlErrors === true ? graphqlErrorResponse(input) : errorResponse(input);
  const text = input.body.toString('utf8');
  if (input.eventKind === 'appsync') {
    // What the GraphQL client sees: the resolver result under data.<field>, bytes kept as they were.
    const field = JSON.stringify(input.fieldName ?? 'result');
    return {
      statusCode: 200,
      headers: { ...JSON_HEADERS },
      body: `{"data":{${field}:${text.trim() === '' ? 'null' : text}}}`,
    };
  }
  const streamed = streamedResult(input);
  if (streamed !== undefined) return streamed;
  if (input.eventKind === 'http') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const proxied = proxyResult(parsed);
    if (proxied !== undefined) return proxied;
  }
  return { statusCode: 200, headers: { ...JSON_HEADERS }, body: text };
}
