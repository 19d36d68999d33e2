/**
 * A straightforward reference decoder (exceptions for control flow, copies of every map), the oracle
 * of the differential test: the fast decoder must decide every input the same way and with the same
 * message.
 */
import { reasonPhrase } from '../../src/http-status.js';
// Deliberate changes since (not part of the fast path, shared with it): the Lambda fields, absolute-URL
// paths split into host and path, and direct invocations with an empty method and path.
import { readLambdaFields } from '../../src/lambda-wire-fields.js';
import { directInvocationPath, splitAbsoluteUrl } from '../../src/request-target.js';
import {
  type HeaderMap,
  TRAFFIC_SOURCES,
  type TrafficRecord,
  type TrafficSource,
} from '../../src/traffic-record.js';
import type { DecodeOptions, DecodeResult } from '../../src/wire-decode.js';

class FieldError extends Error {}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function fail(field: string, expected: string, value: unknown): never {
  throw new FieldError(`${field}: expected ${expected}, got ${describe(value)}`);
}

function requiredString(raw: Record<string, unknown>, field: string): string {
  const value = raw[field];
  if (typeof value !== 'string') fail(field, 'a string', value);
  return value;
}

function optionalString(raw: Record<string, unknown>, field: string, fallback: string): string {
  const value = raw[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(field, 'a string', value);
}

/** Headers and tags arrive as JSON-encoded strings (Akto) or as plain objects (friendlier producers). */
function stringMap(raw: Record<string, unknown>, field: string): Record<string, string> {
  let value = raw[field];
  if (value === undefined || value === null || value === '') return {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      fail(field, 'a JSON object or a JSON-encoded object string', raw[field]);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(field, 'a JSON object or a JSON-encoded object string', raw[field]);
  }
  const map: Record<string, string> = {};
  for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item === 'string') map[name] = item;
    else if (typeof item === 'number' || typeof item === 'boolean') map[name] = String(item);
    else if (Array.isArray(item)) map[name] = item.map(String).join(', ');
    else if (item !== null && item !== undefined) fail(`${field}.${name}`, 'a string', item);
  }
  return map;
}

function integer(raw: Record<string, unknown>, field: string, min: number, max: number): number {
  const value = raw[field];
  const parsed =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*\d+\s*$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isInteger(parsed)) fail(field, 'an integer', value);
  if (parsed < min || parsed > max) fail(field, `an integer from ${min} to ${max}`, value);
  return parsed;
}

function epochSeconds(raw: Record<string, unknown>, field: string, now: () => number): number {
  const value = raw[field];
  if (value === undefined || value === null || value === '') return now();
  const parsed = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  // Times beyond the Date range (8.64e15 ms) are rejected, as the query API could not show them.
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 8.64e15) fail(field, 'epoch seconds', value);
  // Some producers send milliseconds; anything past year 5000 in seconds is certainly milliseconds.
  return Math.floor(parsed > 1e11 ? parsed / 1000 : parsed);
}

function bool(raw: Record<string, unknown>, field: string): boolean {
  const value = raw[field];
  if (value === undefined || value === null || value === '') return false;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return fail(field, '"true" or "false"', value);
}

function trafficSource(raw: Record<string, unknown>): TrafficSource {
  const value = raw.source;
  if (value === undefined || value === null || value === '') return 'OTHER';
  if (typeof value === 'string') {
    const upper = value.toUpperCase();
    if ((TRAFFIC_SOURCES as readonly string[]).includes(upper)) return upper as TrafficSource;
  }
  return fail('source', `one of ${TRAFFIC_SOURCES.join(', ')}`, value);
}

/**
 * Decodes one record of an ingestion batch. Accepts Akto's all-strings form and the friendlier
 * objects-and-numbers form; the error names the first offending field.
 */
export function referenceDecodeWireRecord(raw: unknown, options: DecodeOptions = {}): DecodeResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: `record: expected an object, got ${describe(raw)}` };
  }
  const input = raw as Record<string, unknown>;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  try {
    const statusCode = integer(input, 'statusCode', 100, 599);
    const method = requiredString(input, 'method');
    const direct = method === '' && input.path === '';
    if (!direct && !/^[A-Za-z]+$/.test(method)) fail('method', 'an HTTP method', method);
    const direction = optionalString(input, 'direction', '');
    if (direction !== '' && direction !== '1' && direction !== '2')
      fail('direction', '"1" or "2"', direction);
    const record: TrafficRecord = {
      path: requiredString(input, 'path'),
      method: method.toUpperCase(),
      requestHeaders: stringMap(input, 'requestHeaders') as HeaderMap,
      responseHeaders: stringMap(input, 'responseHeaders') as HeaderMap,
      requestPayload: optionalString(input, 'requestPayload', ''),
      responsePayload: optionalString(input, 'responsePayload', ''),
      ip: optionalString(input, 'ip', ''),
      time: epochSeconds(input, 'time', now),
      statusCode,
      status: optionalString(input, 'status', '') || reasonPhrase(statusCode),
      type: optionalString(input, 'type', 'HTTP/1.1'),
      accountId: optionalString(input, 'akto_account_id', '1000000'),
      vxlanId: optionalString(input, 'akto_vxlan_id', '0'),
      isPending: bool(input, 'is_pending'),
      source: trafficSource(input),
      tag: stringMap(input, 'tag'),
    };
    const destIp = optionalString(input, 'destIp', '');
    if (destIp !== '') record.destIp = destIp;
    if (direction === '1' || direction === '2') record.direction = direction;
    if (direct) {
      record.method = 'POST';
      record.path = directInvocationPath(record.tag);
    } else {
      const absolute = splitAbsoluteUrl(record.path);
      if (absolute !== undefined) {
        record.path = absolute.path;
        if (absolute.host !== '') record.urlHost = absolute.host;
      }
    }
    const lambdaProblem = readLambdaFields(input, record);
    if (lambdaProblem !== undefined) return { ok: false, error: lambdaProblem };
    return { ok: true, record };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, error: error.message };
    throw error;
  }
}
