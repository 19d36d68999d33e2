import type { HeaderMap } from '@tapline/contracts';
import { classifyValue, isSecretName } from './classify-value.js';
import { decodeOrKeep } from './decode-or-keep.js';
import type { PendingBody, PendingSample } from './endpoint-state.js';
import { headerValue } from './header-value.js';
import type { ParameterLocation, SampleRow } from './inventory-types.js';

export const MASK = '****';

/**
 * Masking decided while a record is applied is kept as the bits of one small integer per kind (headers,
 * query pairs, path segments): positions from this one on are classified again when the sample is built.
 */
export const MASK_BITS = 31;

const EMAIL_IN_TEXT_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const JWT_IN_TEXT_RE = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const MAX_RAW_BODY = 16_384;

/** True when a value must not be stored in clear: a secret by name, a sensitive class, or a JWT anywhere. */
export function mustMask(
  name: string,
  value: unknown,
  location: ParameterLocation,
  textual: boolean,
): boolean {
  if (isSecretName(name)) return true;
  const c = classifyValue(value, location, textual);
  return c.sensitive !== null || c.type === 'JWT';
}

/** Decides whether a value is masked; the engine answers from what it already learnt about the parameter. */
export type MaskDecision = (name: string, value: string, index: number) => boolean;

/**
 * A masked copy of a header map (names lower-cased). Keeps the auth scheme and cookie names visible.
 * `decide` defaults to classifying each value.
 */
export function maskHeaders(
  headers: HeaderMap,
  location: ParameterLocation,
  decide: MaskDecision = (name, value) => mustMask(name, value, location, true),
): Record<string, string> {
  const out: Record<string, string> = {};
  let index = -1;
  for (const rawName in headers) {
    index++;
    const value = headers[rawName];
    if (typeof value !== 'string') continue;
    const name = rawName.toLowerCase();
    if (name === 'authorization' || name === 'proxy-authorization') {
      const space = value.trim().indexOf(' ');
      out[name] = space > 0 ? `${value.trim().slice(0, space)} ${MASK}` : MASK;
    } else if (name === 'cookie') {
      out[name] = value
        .split(';')
        .map((part) => {
          const eq = part.indexOf('=');
          return eq > 0 ? `${part.slice(0, eq).trim()}=${MASK}` : part.trim();
        })
        .join('; ');
    } else if (name === 'set-cookie') {
      const eq = value.indexOf('=');
      const semi = value.indexOf(';');
      out[name] = eq > 0 ? `${value.slice(0, eq)}=${MASK}${semi > eq ? value.slice(semi) : ''}` : MASK;
    } else {
      out[name] = decide(name, value, index) ? MASK : value;
    }
  }
  return out;
}

/**
 * Masks sensitive path segments and query values, keeping the URL's shape. `segmentMask` (bit i: segment i
 * after the leading `/`) replaces classifying each segment when the caller already decided.
 */
export function maskPath(
  path: string,
  decideQuery: MaskDecision = (name, value) => mustMask(name, value, 'request', true),
  segmentMask: number | null = null,
): string {
  const q = path.indexOf('?');
  const pathPart = q < 0 ? path : path.slice(0, q);
  let maskedPath = pathPart;
  if (segmentMask === null) {
    maskedPath = pathPart
      .split('/')
      .map((seg) => (seg.length > 0 && mustMask('', decodeOrKeep(seg, true), 'request', true) ? MASK : seg))
      .join('/');
  } else if (segmentMask !== 0) {
    // Bits count segments after the leading '/', as templatePath does.
    const offset = pathPart.startsWith('/') ? 1 : 0;
    maskedPath = pathPart
      .split('/')
      .map((seg, i) => (i >= offset && (segmentMask & (1 << (i - offset))) !== 0 ? MASK : seg))
      .join('/');
  }
  if (q < 0) return maskedPath;
  // Pairs are numbered like `parseUrlEncoded` numbers them: non-empty pairs with a non-empty name.
  let index = -1;
  const query = path
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      if (pair.length === 0) return pair;
      const eq = pair.indexOf('=');
      const name = decodeOrKeep(eq < 0 ? pair : pair.slice(0, eq), true);
      if (name.length === 0) return pair;
      index++;
      if (eq < 0) return pair;
      return decideQuery(name, decodeOrKeep(pair.slice(eq + 1), true), index)
        ? `${pair.slice(0, eq)}=${MASK}`
        : pair;
    })
    .join('&');
  return `${maskedPath}?${query}`;
}

/** Masks a body: JSON keeps its structure with sensitive leaves replaced; form bodies per field; other text scrubbed. */
export function maskBody(body: string, contentType: string | undefined, location: ParameterLocation): string {
  if (body.length === 0) return body;
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(body);
      return JSON.stringify(maskJson(parsed, '', location, false));
    } catch {
      // not JSON after all: fall through to the text scrubber
    }
  }
  if (contentType?.toLowerCase().includes('application/x-www-form-urlencoded')) {
    return body
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 0) return pair;
        const name = decodeOrKeep(pair.slice(0, eq), true);
        return mustMask(name, decodeOrKeep(pair.slice(eq + 1), true), location, true)
          ? `${pair.slice(0, eq)}=${MASK}`
          : pair;
      })
      .join('&');
  }
  const capped = body.length > MAX_RAW_BODY ? body.slice(0, MAX_RAW_BODY) : body;
  return capped.replace(JWT_IN_TEXT_RE, MASK).replace(EMAIL_IN_TEXT_RE, MASK);
}

/** Below this many levels a subtree is masked whole: recursing further could overflow the stack. */
export const MAX_MASK_DEPTH = 64;

/**
 * A masked deep copy of a parsed JSON value. Values under a secret-named key are masked whole, and so
 * is anything nested deeper than MAX_MASK_DEPTH.
 */
export function maskJson(
  value: unknown,
  name: string,
  location: ParameterLocation,
  forced: boolean,
  depth = 0,
): unknown {
  if (typeof value === 'object' && value !== null && depth >= MAX_MASK_DEPTH) return MASK;
  if (Array.isArray(value)) return value.map((v) => maskJson(v, name, location, forced, depth + 1));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      out[key] = maskJson(
        (value as Record<string, unknown>)[key],
        key,
        location,
        forced || isSecretName(key),
        depth + 1,
      );
    }
    return out;
  }
  if (value === null || typeof value === 'boolean') return value;
  if (forced) return MASK;
  return mustMask(name, value, location, false) ? MASK : value;
}

// ---- samples -------------------------------------------------------------------------------

function bitDecision(bits: number | null, location: ParameterLocation): MaskDecision | undefined {
  if (bits === null) return undefined;
  return (name, value, index) =>
    index < MASK_BITS ? (bits & (1 << index)) !== 0 : mustMask(name, value, location, true);
}

function sampleBody(
  text: string | undefined,
  pending: PendingBody,
  contentType: string | undefined,
  location: ParameterLocation,
): string {
  const body = typeof text === 'string' ? text : '';
  if (pending === 'as-is') return body;
  if (pending !== null) return JSON.stringify(pending.json);
  return maskBody(body, contentType, location);
}

/**
 * A sample with secrets masked: authorization, cookies, API keys and sensitive values. Uses the masking
 * decided while the record was applied when there is one, else classifies values now.
 */
export function maskedSample(endpointId: string, s: PendingSample): SampleRow {
  const r = s.record;
  const requestHeaders = r.requestHeaders ?? {};
  const responseHeaders = r.responseHeaders ?? {};
  return {
    endpointId,
    seq: s.seq,
    time: Number.isFinite(r.time) ? Math.floor(r.time) : 0,
    request: {
      method: typeof r.method === 'string' ? r.method.toUpperCase() : 'GET',
      path: maskPath(
        typeof r.path === 'string' ? r.path : '/',
        bitDecision(s.queryMask, 'request'),
        s.pathMask,
      ),
      headers: maskHeaders(requestHeaders, 'request', bitDecision(s.requestHeaderMask, 'request')),
      body: sampleBody(
        r.requestPayload,
        s.requestBody,
        headerValue(requestHeaders, 'content-type'),
        'request',
      ),
      ip: typeof r.ip === 'string' ? r.ip : '',
    },
    response: {
      statusCode: r.statusCode,
      headers: maskHeaders(responseHeaders, 'response', bitDecision(s.responseHeaderMask, 'response')),
      body: sampleBody(
        r.responsePayload,
        s.responseBody,
        headerValue(responseHeaders, 'content-type'),
        'response',
      ),
    },
  };
}
