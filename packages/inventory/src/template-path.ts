import { isJwt, isUuid } from './classify-value.js';
import { decodeOrKeep } from './decode-or-keep.js';

/** Tokens a path segment can be replaced by. */
export const PATH_TOKENS = ['INTEGER', 'FLOAT', 'UUID', 'OBJECT_ID', 'STRING'] as const;
export type PathToken = (typeof PATH_TOKENS)[number];

const TOKEN_SET: ReadonlySet<string> = new Set(PATH_TOKENS);
const EMAIL_RE = /^[^\s@/]+@[^\s@/]+\.[A-Za-z]{2,}$/;
const ALNUM_RE = /^[A-Za-z0-9_-]+$/;

export function isPathToken(segment: string): segment is PathToken {
  return TOKEN_SET.has(segment);
}

/** Minimum length of an alphanumeric segment that counts as an id (with at least 3 digits). */
const LONG_ALNUM_MIN = 8;

/** The token for one raw path segment, or null when the segment is a static name. */
export function templateSegment(segment: string): PathToken | null {
  const len = segment.length;
  if (len === 0 || TOKEN_SET.has(segment)) return null;
  let digits = 0;
  let hex = 0;
  let letters = 0;
  let dots = 0;
  let minus = 0;
  let other = 0;
  for (let i = 0; i < len; i++) {
    const c = segment.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)) hex++;
    else if ((c >= 103 && c <= 122) || (c >= 71 && c <= 90)) letters++;
    else if (c === 46) dots++;
    else if (c === 45) minus++;
    else if (c !== 95) other++;
  }
  if (digits === len) return 'INTEGER';
  if (digits === len - 1 && minus === 1 && segment.charCodeAt(0) === 45) return 'INTEGER';
  if (
    dots === 1 &&
    digits === len - 1 &&
    segment.charCodeAt(0) !== 46 &&
    segment.charCodeAt(len - 1) !== 46
  ) {
    return 'FLOAT';
  }
  if (len === 24 && digits + hex === 24) return 'OBJECT_ID';
  if (len === 36 && minus === 4 && isUuid(segment)) return 'UUID';
  if (other > 0 || dots > 0) {
    const decoded = decodeOrKeep(segment);
    if (decoded.includes('@') && EMAIL_RE.test(decoded)) return 'STRING';
    if (dots === 2 && isJwt(segment)) return 'STRING';
    return null;
  }
  if (digits >= 3 && len >= LONG_ALNUM_MIN && letters + hex > 0 && ALNUM_RE.test(segment)) return 'STRING';
  return null;
}

export interface TemplatedPath {
  /** e.g. `/users/INTEGER/orders`. */
  path: string;
  /** The raw segments (after the leading `/`). */
  rawSegments: string[];
  /** Template segments, same length as rawSegments. */
  segments: string[];
}

/** Strips the query string and fragment; keeps `/` for the root; drops trailing slashes. */
export function pathWithoutQuery(path: string): string {
  let end = path.length;
  const q = path.indexOf('?');
  if (q >= 0) end = q;
  const h = path.indexOf('#');
  if (h >= 0 && h < end) end = h;
  let p = end === path.length ? path : path.slice(0, end);
  if (p.length === 0 || p.charCodeAt(0) !== 47) p = `/${p}`;
  if (p.length > 1 && p.charCodeAt(p.length - 1) === 47) {
    let end2 = p.length;
    while (end2 > 1 && p.charCodeAt(end2 - 1) === 47) end2--;
    p = p.slice(0, end2);
  }
  return p;
}

/**
 * Turns a request path into its template: `/users/42?x=1` → `/users/INTEGER`. Idempotent: templating
 * a template gives it back. The query string is not part of the template (it becomes query parameters).
 */
export function templatePath(path: string): TemplatedPath {
  const clean = pathWithoutQuery(path);
  if (clean === '/') return { path: '/', rawSegments: [], segments: [] };
  const rawSegments = clean.slice(1).split('/');
  const segments = new Array<string>(rawSegments.length);
  let changed = false;
  for (let i = 0; i < rawSegments.length; i++) {
    const raw = rawSegments[i] as string;
    const token = templateSegment(raw);
    if (token === null) segments[i] = raw;
    else {
      segments[i] = token;
      changed = true;
    }
  }
  return { path: changed ? `/${segments.join('/')}` : clean, rawSegments, segments };
}

/** Name of the path parameter at a template position: the token and the 1-based segment index (`INTEGER2`). */
export function pathParameterName(token: string, segmentIndex: number): string {
  return `${token}${segmentIndex + 1}`;
}
