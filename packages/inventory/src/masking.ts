import type { HeaderMap } from '@tapline/contracts';
import { classifyValue, isSecretName } from './classify-value.js';
import type { ParameterLocation } from './inventory-types.js';

export const MASK = '****';

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
      .map((seg) => (seg.length > 0 && mustMask('', safeDecode(seg), 'request', true) ? MASK : seg))
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
      const name = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
      if (name.length === 0) return pair;
      index++;
      if (eq < 0) return pair;
      return decideQuery(name, safeDecode(pair.slice(eq + 1)), index) ? `${pair.slice(0, eq)}=${MASK}` : pair;
    })
    .join('&');
  return `${maskedPath}?${query}`;
}

function safeDecode(s: string): string {
  if (!s.includes('%') && !s.includes('+')) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
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
        const name = safeDecode(pair.slice(0, eq));
        return mustMask(name, safeDecode(pair.slice(eq + 1)), location, true)
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
