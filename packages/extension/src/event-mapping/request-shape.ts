import type { HeaderMap, PlatformAuth } from '@tapline/contracts';

/** What the trigger declares beyond the HTTP request: route, stage, API id, authentication. */
export interface PlatformFacts {
  declaredRoute?: string;
  apiStage?: string;
  apiId?: string;
  platformAuth?: PlatformAuth[];
}

/** The request half of a mirrored record, as one event source describes it. */
export interface RequestShape {
  path: string;
  method: string;
  headers: HeaderMap;
  body: string;
  ip: string;
  /** How the response should be read: AppSync results become a GraphQL response. */
  kind: 'http' | 'appsync' | 'direct';
  /** AppSync: the field the resolver answers. */
  fieldName?: string;
  /** AppSync direct resolver (no template): function errors become GraphQL `errors`, as the client sees them. */
  direct?: boolean;
  platform?: PlatformFacts;
  /** AppSync `BatchInvoke`: one request per item, answered by the item of the result array at the same index. */
  batch?: RequestShape[];
  tags?: Record<string, string>;
  /** Set when the captured event was cut: its real size in bytes. */
  originalBytes?: number;
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A flat string map from an object whose values may be strings, numbers, booleans or arrays. */
export function flatHeaders(value: unknown): HeaderMap {
  const out: HeaderMap = {};
  let source = value;
  if (typeof source === 'string') {
    try {
      source = JSON.parse(source);
    } catch {
      return out;
    }
  }
  if (!isObject(source)) return out;
  for (const [name, item] of Object.entries(source)) {
    if (typeof item === 'string') out[name] = item;
    else if (typeof item === 'number' || typeof item === 'boolean') out[name] = String(item);
    else if (Array.isArray(item)) out[name] = item.map(String).join(', ');
  }
  return out;
}

/** Single-value headers plus multi-value ones (joined), without duplicating names that differ in case. */
export function mergeHeaders(single: unknown, multi: unknown): HeaderMap {
  const out = flatHeaders(single);
  if (!isObject(multi)) return out;
  const lower = new Map(Object.keys(out).map((k) => [k.toLowerCase(), k]));
  for (const [name, values] of Object.entries(multi)) {
    if (!Array.isArray(values) || values.length === 0) continue;
    const joined = values.map(String).join(', ');
    const existing = lower.get(name.toLowerCase());
    if (existing === undefined) out[name] = joined;
    else if (values.length > 1) out[existing] = joined;
  }
  return out;
}

export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

const TEXTUAL_TYPE =
  /^(text\/|application\/(json|xml|x-www-form-urlencoded|graphql|javascript|ld\+json|problem\+json)|[^;]*\+(json|xml))/i;

/** Decodes a base64 body when it is text (declared textual, or valid UTF-8 without control bytes). */
export function decodeBody(body: unknown, isBase64: unknown, contentType: string | undefined): string {
  if (typeof body !== 'string') return '';
  if (isBase64 !== true) return body;
  const bytes = Buffer.from(body, 'base64');
  if (contentType !== undefined && TEXTUAL_TYPE.test(contentType.trim())) return bytes.toString('utf8');
  const text = bytes.toString('utf8');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting binary content is the point.
  if (!text.includes('\uFFFD') && !/[\u0000-\u0008\u000E-\u001F]/.test(text)) return text;
  return body;
}

/** `?a=1&a=2` from a multi-value map (preferred) or a single-value map; `encode` false keeps values as given. */
export function queryString(multi: unknown, single: unknown, encode: boolean): string {
  const enc = encode ? encodeURIComponent : (s: string) => s;
  const parts: string[] = [];
  if (isObject(multi) && Object.keys(multi).length > 0) {
    for (const [k, values] of Object.entries(multi)) {
      if (!Array.isArray(values)) continue;
      for (const v of values) parts.push(`${enc(k)}=${enc(String(v))}`);
    }
  } else if (isObject(single)) {
    for (const [k, v] of Object.entries(single))
      if (v !== null && v !== undefined) parts.push(`${enc(k)}=${enc(String(v))}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

export function firstForwardedIp(headers: HeaderMap): string {
  return headerValue(headers, 'x-forwarded-for') ?? '';
}
