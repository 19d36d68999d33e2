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

export function mapResult(input: ResultInput): ResponseShape {
  const trailerError = headerValue(input.trailers, 'lambda-runtime-function-error-type');
  if (input.kind === 'error' || trailerError !== undefined) return errorResponse(input);
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
