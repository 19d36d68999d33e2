import {
  INVOCATION_OUTCOMES,
  type InvocationOutcome,
  PLATFORM_AUTH_TYPES,
  type PlatformAuth,
  type PlatformAuthType,
  type TrafficRecord,
} from './traffic-record.js';

/**
 * Wire names of the optional fields Tapline's extension adds to Akto's record. None is a field of Akto's
 * `IngestDataBatch` (path, requestHeaders, responseHeaders, method, requestPayload, responsePayload, ip,
 * destIp, time, statusCode, type, status, akto_account_id, akto_vxlan_id, is_pending, source, direction,
 * process_id, socket_id, daemonset_id, enabled_graph, tag, parentMcpToolNames), so Akto's collector, which
 * binds known fields only, ignores them. Values are strings, as in the rest of Akto's format.
 */
export const LAMBDA_WIRE_FIELDS = {
  declaredRoute: 'declared_route',
  apiStage: 'api_stage',
  apiId: 'api_id',
  /** A JSON-encoded array of `PlatformAuth`. */
  platformAuth: 'platform_auth',
  durationMs: 'duration_ms',
  coldStart: 'cold_start',
  initDurationMs: 'init_duration_ms',
  outcome: 'outcome',
  functionName: 'function_name',
  functionQualifier: 'function_qualifier',
} as const;

const F = LAMBDA_WIRE_FIELDS;
/** Longer platform_auth text is not an authentication description: refused before parsing. */
const MAX_PLATFORM_AUTH_CHARS = 16 * 1024;
const MAX_AUTH_ENTRIES = 4;
/** Fifteen minutes (the Lambda timeout limit) with room to spare. */
const MAX_DURATION_MS = 3_600_000;
const AUTH_TYPES: ReadonlySet<string> = new Set(PLATFORM_AUTH_TYPES);
const OUTCOMES: ReadonlySet<string> = new Set(INVOCATION_OUTCOMES);

/** Adds the fields a record has to its wire form. */
export function writeLambdaFields(
  record: TrafficRecord,
  wire: Partial<Record<(typeof LAMBDA_WIRE_FIELDS)[keyof typeof LAMBDA_WIRE_FIELDS], string>>,
): void {
  if (record.declaredRoute !== undefined) wire[F.declaredRoute] = record.declaredRoute;
  if (record.apiStage !== undefined) wire[F.apiStage] = record.apiStage;
  if (record.apiId !== undefined) wire[F.apiId] = record.apiId;
  if (record.platformAuth !== undefined && record.platformAuth.length > 0)
    wire[F.platformAuth] = JSON.stringify(record.platformAuth);
  const perf = record.performance;
  if (perf !== undefined) {
    wire[F.durationMs] = String(perf.durationMs);
    wire[F.coldStart] = String(perf.coldStart);
    if (perf.initDurationMs !== undefined) wire[F.initDurationMs] = String(perf.initDurationMs);
    wire[F.outcome] = perf.outcome;
  }
  if (record.lambdaFunction !== undefined) {
    wire[F.functionName] = record.lambdaFunction.name;
    if (record.lambdaFunction.qualifier !== undefined)
      wire[F.functionQualifier] = record.lambdaFunction.qualifier;
  }
}

function describe(value: unknown): string {
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

/** A field that failed validation, returned as a value (bad records are routine input). */
class Problem {
  constructor(readonly message: string) {}
}

function problem(field: string, expected: string, value: unknown): Problem {
  return new Problem(`${field}: expected ${expected}, got ${describe(value)}`);
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function text(input: Record<string, unknown>, field: string): string | undefined | Problem {
  const value = input[field];
  if (!present(value)) return undefined;
  return typeof value === 'string' ? value : problem(field, 'a string', value);
}

function milliseconds(input: Record<string, unknown>, field: string): number | undefined | Problem {
  const value = input[field];
  if (!present(value)) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n < 0 || n > MAX_DURATION_MS)
    return problem(field, `milliseconds from 0 to ${MAX_DURATION_MS}`, value);
  return n;
}

function claimMap(value: unknown, field: string): Record<string, string> | Problem {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return problem(field, 'an object of strings', value);
  const out: Record<string, string> = {};
  for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
    if (name === '__proto__') continue;
    if (typeof item === 'string') out[name] = item;
    else if (typeof item === 'number' || typeof item === 'boolean') out[name] = String(item);
    else if (item !== null) return problem(`${field}.${name}`, 'a string', item);
  }
  return out;
}

function authEntry(value: unknown, field: string): PlatformAuth | Problem {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return problem(field, 'an object', value);
  const raw = value as Record<string, unknown>;
  if (typeof raw.type !== 'string' || !AUTH_TYPES.has(raw.type))
    return problem(`${field}.type`, `one of ${PLATFORM_AUTH_TYPES.join(', ')}`, raw.type);
  const entry: PlatformAuth = { type: raw.type as PlatformAuthType };
  for (const key of ['principal', 'issuer', 'accountId'] as const) {
    const item = raw[key];
    if (item === undefined || item === null) continue;
    if (typeof item !== 'string') return problem(`${field}.${key}`, 'a string', item);
    entry[key] = item;
  }
  if (raw.scopes !== undefined && raw.scopes !== null) {
    if (!Array.isArray(raw.scopes) || !raw.scopes.every((s) => typeof s === 'string'))
      return problem(`${field}.scopes`, 'an array of strings', raw.scopes);
    entry.scopes = raw.scopes as string[];
  }
  if (raw.claims !== undefined && raw.claims !== null) {
    const claims = claimMap(raw.claims, `${field}.claims`);
    if (claims instanceof Problem) return claims;
    entry.claims = claims;
  }
  return entry;
}

function platformAuth(input: Record<string, unknown>): PlatformAuth[] | undefined | Problem {
  const original = input[F.platformAuth];
  if (!present(original)) return undefined;
  let value = original;
  if (typeof original === 'string') {
    if (original.length > MAX_PLATFORM_AUTH_CHARS)
      return new Problem(`${F.platformAuth}: expected at most ${MAX_PLATFORM_AUTH_CHARS} characters`);
    try {
      value = JSON.parse(original);
    } catch {
      return problem(F.platformAuth, 'a JSON-encoded array', original);
    }
  }
  if (!Array.isArray(value) || value.length > MAX_AUTH_ENTRIES)
    return problem(F.platformAuth, `an array of at most ${MAX_AUTH_ENTRIES} entries`, original);
  const out: PlatformAuth[] = [];
  for (let i = 0; i < value.length; i++) {
    const entry = authEntry(value[i], `${F.platformAuth}[${i}]`);
    if (entry instanceof Problem) return entry;
    out.push(entry);
  }
  return out;
}

/**
 * Reads the optional Lambda fields into `record`. Returns an error naming the field, or undefined. Records
 * without any of them (every other producer) cost one look-up per field.
 */
export function readLambdaFields(input: Record<string, unknown>, record: TrafficRecord): string | undefined {
  const route = text(input, F.declaredRoute);
  if (route instanceof Problem) return route.message;
  if (route !== undefined) {
    if (route.charCodeAt(0) !== 0x2f)
      return problem(F.declaredRoute, 'a path starting with "/"', route).message;
    record.declaredRoute = route;
  }
  const stage = text(input, F.apiStage);
  if (stage instanceof Problem) return stage.message;
  if (stage !== undefined) record.apiStage = stage;
  const apiId = text(input, F.apiId);
  if (apiId instanceof Problem) return apiId.message;
  if (apiId !== undefined) record.apiId = apiId;
  const auth = platformAuth(input);
  if (auth instanceof Problem) return auth.message;
  if (auth !== undefined && auth.length > 0) record.platformAuth = auth;

  const duration = milliseconds(input, F.durationMs);
  if (duration instanceof Problem) return duration.message;
  const init = milliseconds(input, F.initDurationMs);
  if (init instanceof Problem) return init.message;
  const outcome = input[F.outcome];
  const cold = input[F.coldStart];
  if (duration !== undefined) {
    let parsedOutcome: InvocationOutcome = 'ok';
    if (present(outcome)) {
      if (typeof outcome !== 'string' || !OUTCOMES.has(outcome))
        return problem(F.outcome, `one of ${INVOCATION_OUTCOMES.join(', ')}`, outcome).message;
      parsedOutcome = outcome as InvocationOutcome;
    }
    let coldStart = false;
    if (present(cold)) {
      if (cold === true || cold === 'true') coldStart = true;
      else if (cold !== false && cold !== 'false')
        return problem(F.coldStart, '"true" or "false"', cold).message;
    }
    record.performance = { durationMs: duration, coldStart, outcome: parsedOutcome };
    if (init !== undefined) record.performance.initDurationMs = init;
  } else if (present(outcome) || present(cold) || init !== undefined) {
    return `${F.durationMs}: expected milliseconds beside ${F.outcome}, ${F.coldStart} and ${F.initDurationMs}`;
  }

  const name = text(input, F.functionName);
  if (name instanceof Problem) return name.message;
  const qualifier = text(input, F.functionQualifier);
  if (qualifier instanceof Problem) return qualifier.message;
  if (name !== undefined) {
    record.lambdaFunction = qualifier === undefined ? { name } : { name, qualifier };
  } else if (qualifier !== undefined) {
    return `${F.functionName}: expected a function name beside ${F.functionQualifier}`;
  }
  return undefined;
}
