import { reasonPhrase } from './http-status.js';
import { nestedDeeperThan } from './json-depth.js';
import { readLambdaFields } from './lambda-wire-fields.js';
import { directInvocationPath, splitAbsoluteUrl } from './request-target.js';
import { type HeaderMap, TRAFFIC_SOURCES, type TrafficRecord, type TrafficSource } from './traffic-record.js';

/** The outcome of decoding one wire record: a value, never an exception. */
export type DecodeResult = { ok: true; record: TrafficRecord } | { ok: false; error: string };

export interface DecodeOptions {
  /** Used when a record carries no `time`; epoch seconds. */
  now?: () => number;
}

/** A field that failed validation. Returned, not thrown: bad records are routine input on the ingest path. */
class Invalid {
  constructor(readonly message: string) {}
}

const SOURCES: ReadonlySet<string> = new Set(TRAFFIC_SOURCES);
const defaultNow = () => Math.floor(Date.now() / 1000);

/** Wire records are flat: fields are strings, numbers or (friendlier producers) small header maps. */
export const MAX_WIRE_RECORD_DEPTH = 8;

/** A short rendering of a bad value for the error; bounded however large or deep the value is. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') {
    // The first 57 characters of the JSON come from at most 57 of the string's: a prefix is enough.
    const json = JSON.stringify(value.length > 120 ? value.slice(0, 120) : value);
    return json.length > 60 ? `${json.slice(0, 57)}...` : json;
  }
  if (Array.isArray(value) && value.length > 20) return `an array of ${value.length} items`;
  if (nestedDeeperThan(value, 4))
    return Array.isArray(value) ? 'a deeply nested array' : 'a deeply nested object';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function invalid(field: string, expected: string, value: unknown): Invalid {
  return new Invalid(`${field}: expected ${expected}, got ${describe(value)}`);
}

function requiredString(raw: Record<string, unknown>, field: string): string | Invalid {
  const value = raw[field];
  return typeof value === 'string' ? value : invalid(field, 'a string', value);
}

function optionalString(raw: Record<string, unknown>, field: string, fallback: string): string | Invalid {
  const value = raw[field];
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return invalid(field, 'a string', value);
}

/** `{` after optional JSON whitespace: only such strings can parse to an object, so others skip JSON.parse. */
function mayBeJsonObject(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b) return true;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return false;
}

function parseJsonObject(text: string): unknown {
  if (!mayBeJsonObject(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Headers and tags arrive as JSON-encoded strings (Akto) or as plain objects (friendlier producers). */
function stringMap(raw: Record<string, unknown>, field: string): Record<string, string> | Invalid {
  const original = raw[field];
  if (original === undefined || original === null || original === '') return {};
  const value = typeof original === 'string' ? parseJsonObject(original) : original;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(field, 'a JSON object or a JSON-encoded object string', original);
  }
  const object = value as Record<string, unknown>;
  const names = Object.keys(object);
  // Fast path: an object we parsed ourselves whose values are all strings is already the map.
  if (typeof original === 'string' && allStringValues(object, names)) return object as Record<string, string>;
  const map: Record<string, string> = {};
  for (const name of names) {
    const item = object[name];
    if (typeof item === 'string') map[name] = item;
    else if (typeof item === 'number' || typeof item === 'boolean') map[name] = String(item);
    else if (Array.isArray(item)) {
      // String() of a nested array recurses: refuse nesting that could overflow the stack.
      if (nestedDeeperThan(item, MAX_WIRE_RECORD_DEPTH)) return invalid(`${field}.${name}`, 'a string', item);
      map[name] = item.map(String).join(', ');
    } else if (item !== null && item !== undefined) return invalid(`${field}.${name}`, 'a string', item);
  }
  return map;
}

function allStringValues(object: Record<string, unknown>, names: readonly string[]): boolean {
  for (const name of names) {
    // `__proto__` is an own key after JSON.parse but is dropped when copied: take the copying path.
    if (typeof object[name] !== 'string' || name === '__proto__') return false;
  }
  return true;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function integer(raw: Record<string, unknown>, field: string, min: number, max: number): number | Invalid {
  const value = raw[field];
  let parsed: number;
  if (typeof value === 'number') parsed = value;
  else if (
    typeof value === 'string' &&
    value.length === 3 &&
    isDigit(value.charCodeAt(0)) &&
    isDigit(value.charCodeAt(1)) &&
    isDigit(value.charCodeAt(2))
  )
    parsed = Number(value); // the common "200": no regex
  else parsed = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(parsed)) return invalid(field, 'an integer', value);
  if (parsed < min || parsed > max) return invalid(field, `an integer from ${min} to ${max}`, value);
  return parsed;
}

function epochSeconds(raw: Record<string, unknown>, field: string, now: () => number): number | Invalid {
  const value = raw[field];
  if (value === undefined || value === null || value === '') return now();
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  // Beyond what a Date can hold, a time could be stored but never shown (the query API's ISO strings).
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > MAX_EPOCH_MS)
    return invalid(field, 'epoch seconds', value);
  // Some producers send milliseconds; anything past year 5000 in seconds is certainly milliseconds.
  return Math.floor(parsed > 1e11 ? parsed / 1000 : parsed);
}

function bool(raw: Record<string, unknown>, field: string): boolean | Invalid {
  const value = raw[field];
  if (value === undefined || value === null || value === '') return false;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return invalid(field, '"true" or "false"', value);
}

function trafficSource(raw: Record<string, unknown>): TrafficSource | Invalid {
  const value = raw.source;
  if (value === undefined || value === null || value === '') return 'OTHER';
  if (typeof value === 'string') {
    if (SOURCES.has(value)) return value as TrafficSource;
    const upper = value.toUpperCase();
    if (SOURCES.has(upper)) return upper as TrafficSource;
  }
  return invalid('source', `one of ${TRAFFIC_SOURCES.join(', ')}`, value);
}

const METHOD = /^[A-Za-z]+$/;
/** The largest time a JavaScript Date holds (year 275760), in milliseconds. */
const MAX_EPOCH_MS = 8.64e15;

/**
 * Decodes one record of an ingestion batch. Accepts Akto's all-strings form and the friendlier
 * objects-and-numbers form; the error names the first offending field. Fields are checked in a fixed
 * order (statusCode, method, direction, path, headers, ...), so the first offending one is reported.
 */
export function decodeWireRecord(raw: unknown, options: DecodeOptions = {}): DecodeResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: `record: expected an object, got ${describe(raw)}` };
  }
  if (nestedDeeperThan(raw, MAX_WIRE_RECORD_DEPTH)) {
    return {
      ok: false,
      error: `record: nested deeper than ${MAX_WIRE_RECORD_DEPTH} levels (wire records are flat)`,
    };
  }
  const input = raw as Record<string, unknown>;
  const statusCode = integer(input, 'statusCode', 100, 599);
  if (typeof statusCode !== 'number') return failed(statusCode);
  const method = requiredString(input, 'method');
  if (typeof method !== 'string') return failed(method);
  // Akto's Go extension sends direct invocations with "" for both: accepted, defaults applied below.
  const direct = method === '' && input.path === '';
  if (!direct && !METHOD.test(method)) return failed(invalid('method', 'an HTTP method', method));
  const direction = optionalString(input, 'direction', '');
  if (typeof direction !== 'string') return failed(direction);
  if (direction !== '' && direction !== '1' && direction !== '2') {
    return failed(invalid('direction', '"1" or "2"', direction));
  }
  const path = requiredString(input, 'path');
  if (typeof path !== 'string') return failed(path);
  const requestHeaders = stringMap(input, 'requestHeaders');
  if (requestHeaders instanceof Invalid) return failed(requestHeaders);
  const responseHeaders = stringMap(input, 'responseHeaders');
  if (responseHeaders instanceof Invalid) return failed(responseHeaders);
  const requestPayload = optionalString(input, 'requestPayload', '');
  if (typeof requestPayload !== 'string') return failed(requestPayload);
  const responsePayload = optionalString(input, 'responsePayload', '');
  if (typeof responsePayload !== 'string') return failed(responsePayload);
  const ip = optionalString(input, 'ip', '');
  if (typeof ip !== 'string') return failed(ip);
  const time = epochSeconds(input, 'time', options.now ?? defaultNow);
  if (typeof time !== 'number') return failed(time);
  const status = optionalString(input, 'status', '');
  if (typeof status !== 'string') return failed(status);
  const type = optionalString(input, 'type', 'HTTP/1.1');
  if (typeof type !== 'string') return failed(type);
  const accountId = optionalString(input, 'akto_account_id', '1000000');
  if (typeof accountId !== 'string') return failed(accountId);
  const vxlanId = optionalString(input, 'akto_vxlan_id', '0');
  if (typeof vxlanId !== 'string') return failed(vxlanId);
  const isPending = bool(input, 'is_pending');
  if (typeof isPending !== 'boolean') return failed(isPending);
  const source = trafficSource(input);
  if (typeof source !== 'string') return failed(source);
  const tag = stringMap(input, 'tag');
  if (tag instanceof Invalid) return failed(tag);
  const destIp = optionalString(input, 'destIp', '');
  if (typeof destIp !== 'string') return failed(destIp);
  const absolute = direct ? undefined : splitAbsoluteUrl(path);
  const record: TrafficRecord = {
    path: direct ? directInvocationPath(tag) : (absolute?.path ?? path),
    method: direct ? 'POST' : method.toUpperCase(),
    requestHeaders: requestHeaders as HeaderMap,
    responseHeaders: responseHeaders as HeaderMap,
    requestPayload,
    responsePayload,
    ip,
    time,
    statusCode,
    status: status || reasonPhrase(statusCode),
    type,
    accountId,
    vxlanId,
    isPending,
    source,
    tag,
  };
  if (destIp !== '') record.destIp = destIp;
  if (direction === '1' || direction === '2') record.direction = direction;
  if (absolute !== undefined && absolute.host !== '') record.urlHost = absolute.host;
  const lambdaProblem = readLambdaFields(input, record);
  if (lambdaProblem !== undefined) return { ok: false, error: lambdaProblem };
  return { ok: true, record };
}

function failed(problem: Invalid): DecodeResult {
  return { ok: false, error: problem.message };
}
