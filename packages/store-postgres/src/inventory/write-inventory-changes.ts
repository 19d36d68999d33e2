import type { InventoryChanges } from '@tapline/inventory';
import { type RawBuilder, sql, type Transaction } from 'kysely';

/**
 * Rows per statement. Each chunk goes to PostgreSQL as one JSON parameter (the engine's rows as they
 * are, `JSON.stringify`d), expanded by `json_to_recordset`: one statement per table per chunk, no
 * per-row round trip, no per-row parameters to bind.
 */
const CHUNK = 5000;

/** A table's upsert: the record shape of the JSON rows, the column each field goes to, what may change. */
interface Upsert {
  table: string;
  keys: readonly string[];
  /** [column, JSON field of the engine's row, its SQL type in the JSON record, the value if not the field] */
  fields: readonly (readonly [string, string, string, string?])[];
  /** Columns rewritten on conflict; the others are what the row's id is derived from. */
  mutable: readonly string[];
}

const COLLECTIONS: Upsert = {
  table: 'tapline_collections',
  keys: ['id'],
  fields: [
    ['id', 'id', 'text'],
    ['name', 'name', 'text'],
    ['host', 'host', 'text'],
    ['tags', 'tags', 'json'],
    ['first_seen', 'firstSeen', 'bigint'],
    ['last_seen', 'lastSeen', 'bigint'],
    ['calls_over_endpoint_cap', 'callsOverEndpointCap', 'bigint'],
    ['values_over_parameter_cap', 'valuesOverParameterCap', 'bigint'],
  ],
  mutable: ['tags', 'first_seen', 'last_seen', 'calls_over_endpoint_cap', 'values_over_parameter_cap'],
};

const ENDPOINTS: Upsert = {
  table: 'tapline_endpoints',
  keys: ['id'],
  fields: [
    ['id', 'id', 'text'],
    ['collection_id', 'collectionId', 'text'],
    ['method', 'method', 'text'],
    ['path', 'path', 'text'],
    ['auth_types', 'authTypes', 'text[]'],
    ['sensitive', 'sensitive', 'text[]'],
    ['status_codes', 'statusCodes', 'integer[]'],
    ['calls', 'calls', 'bigint'],
    ['first_seen', 'firstSeen', 'bigint'],
    ['last_seen', 'lastSeen', 'bigint'],
    ['graphql', 'graphql', 'json'],
    // Present only when true.
    ['declared_route', 'declaredRoute', 'boolean', `coalesce("declaredRoute", false)`],
  ],
  mutable: [
    'auth_types',
    'sensitive',
    'status_codes',
    'calls',
    'first_seen',
    'last_seen',
    'graphql',
    'declared_route',
  ],
};

const PARAMETERS: Upsert = {
  table: 'tapline_parameters',
  keys: ['id'],
  fields: [
    ['id', 'id', 'text'],
    ['endpoint_id', 'endpointId', 'text'],
    ['location', 'location', 'text'],
    ['status', 'status', 'integer'],
    ['in_', 'in', 'text'],
    ['name', 'name', 'text'],
    ['types', 'types', 'text[]'],
    ['sensitive', 'sensitive', 'text[]'],
    ['first_seen', 'firstSeen', 'bigint'],
    ['last_seen', 'lastSeen', 'bigint'],
    ['count', 'count', 'bigint'],
    ['examples', 'examples', 'json'],
  ],
  mutable: ['types', 'sensitive', 'first_seen', 'last_seen', 'count', 'examples'],
};

const HOURLY: Upsert = {
  table: 'tapline_hourly',
  keys: ['endpoint_id', 'hour'],
  fields: [
    ['endpoint_id', 'endpointId', 'text'],
    ['hour', 'hour', 'bigint'],
    ['calls', 'calls', 'bigint'],
  ],
  mutable: ['calls'],
};

const SAMPLES: Upsert = {
  table: 'tapline_samples',
  keys: ['endpoint_id'],
  fields: [
    ['endpoint_id', 'endpointId', 'text'],
    ['samples', 'samples', 'json'],
  ],
  mutable: ['samples'],
};

const ISOLATED: Upsert = {
  table: 'tapline_isolated_records',
  keys: ['seq'],
  fields: [
    ['seq', 'seq', 'bigint'],
    ['reason', 'reason', 'text'],
    ['record', 'record', 'json'],
    ['isolated_at', 'isolatedAt', 'bigint'],
  ],
  mutable: ['reason', 'record', 'isolated_at'],
};

/** The performance figures; the sketch travels in the JSON as base64 and is stored as bytes. */
const FIGURES = [
  ['invocations', 'invocations', 'bigint'],
  ['errors', 'errors', 'bigint'],
  ['timeouts', 'timeouts', 'bigint'],
  ['cold_starts', 'coldStarts', 'bigint'],
  ['p50_ms', 'p50Ms', 'double precision'],
  ['p95_ms', 'p95Ms', 'double precision'],
  ['p99_ms', 'p99Ms', 'double precision'],
  ['sketch', 'sketch', 'text', `decode("sketch", 'base64')`],
] as const;
const FIGURE_COLUMNS = FIGURES.map(([column]) => column);

const ENDPOINT_PERFORMANCE: Upsert = {
  table: 'tapline_endpoint_performance',
  keys: ['endpoint_id'],
  fields: [['endpoint_id', 'endpointId', 'text'], ['newest_hour', 'newestHour', 'bigint'], ...FIGURES],
  mutable: ['newest_hour', ...FIGURE_COLUMNS],
};

const HOURLY_PERFORMANCE: Upsert = {
  table: 'tapline_endpoint_performance_hourly',
  keys: ['endpoint_id', 'hour'],
  fields: [['endpoint_id', 'endpointId', 'text'], ['hour', 'hour', 'bigint'], ...FIGURES],
  mutable: FIGURE_COLUMNS,
};

const COLLECTION_PERFORMANCE: Upsert = {
  table: 'tapline_collection_performance',
  keys: ['collection_id'],
  fields: [['collection_id', 'collectionId', 'text'], ...FIGURES],
  mutable: FIGURE_COLUMNS,
};

const FUNCTIONS: Upsert = {
  table: 'tapline_endpoint_functions',
  keys: ['endpoint_id'],
  fields: [
    ['endpoint_id', 'endpointId', 'text'],
    ['functions', 'functions', 'json'],
    ['other_calls', 'otherCalls', 'bigint'],
  ],
  mutable: ['functions', 'other_calls'],
};

/** Rows with their sketch as base64 text, for the JSON parameter (bytes have no JSON form). */
function withBase64Sketch<R extends { sketch: Uint8Array }>(rows: readonly R[]) {
  return rows.map((r) => ({
    ...r,
    sketch: Buffer.from(r.sketch.buffer, r.sketch.byteOffset, r.sketch.byteLength).toString('base64'),
  }));
}

const quote = (name: string) => `"${name}"`;

/** `INSERT … SELECT … FROM json_to_recordset($1) … ON CONFLICT DO UPDATE`, built once per table. */
function upsertStatement(u: Upsert): (json: string) => RawBuilder<unknown> {
  const columns = u.fields.map(([column]) => column).join(', ');
  const selected = u.fields.map(([, field, , value]) => value ?? quote(field)).join(', ');
  const record = u.fields.map(([, field, type]) => `${quote(field)} ${type}`).join(', ');
  const updates = u.mutable.map((column) => `${column} = EXCLUDED.${column}`).join(', ');
  const head = sql.raw(`INSERT INTO ${u.table} (${columns}) SELECT ${selected} FROM json_to_recordset(`);
  const tail = sql.raw(`::json) AS r(${record}) ON CONFLICT (${u.keys.join(', ')}) DO UPDATE SET ${updates}`);
  return (json) => sql`${head}${json}${tail}`;
}

const STATEMENTS = {
  collections: upsertStatement(COLLECTIONS),
  endpoints: upsertStatement(ENDPOINTS),
  parameters: upsertStatement(PARAMETERS),
  hourly: upsertStatement(HOURLY),
  samples: upsertStatement(SAMPLES),
  isolated: upsertStatement(ISOLATED),
  endpointPerformance: upsertStatement(ENDPOINT_PERFORMANCE),
  hourlyPerformance: upsertStatement(HOURLY_PERFORMANCE),
  collectionPerformance: upsertStatement(COLLECTION_PERFORMANCE),
  functions: upsertStatement(FUNCTIONS),
};

/** Tables of per-endpoint rows that go with a removed endpoint. */
const OF_ENDPOINT = [
  'tapline_parameters',
  'tapline_samples',
  'tapline_hourly',
  'tapline_endpoint_performance',
  'tapline_endpoint_performance_hourly',
  'tapline_endpoint_functions',
];

/**
 * The last row of each key. One statement cannot upsert a key twice (PostgreSQL refuses it), while a
 * list of changes applied in order may name a row twice: the later one wins, as row-by-row upserts would.
 */
function lastPerKey<T>(rows: readonly T[], key: (row: T) => string | number): readonly T[] {
  const seen = new Set<string | number>();
  for (const row of rows) {
    const k = key(row);
    if (seen.has(k)) return [...new Map(rows.map((r) => [key(r), r])).values()];
    seen.add(k);
  }
  return rows;
}

/** A JSON `\u0000` escape, not preceded by an escaped backslash (`\\u0000` is the text `\u0000`). */
const NUL_ESCAPE = /(?<!\\)((?:\\\\)*)\\u0000/g;

/**
 * PostgreSQL text cannot hold U+0000, and one such character (a path or a body key from traffic) would
 * make every retry of the commit fail: it is stored as U+FFFD instead.
 */
function withoutNul(json: string): string {
  return json.includes('\\u0000') ? json.replace(NUL_ESCAPE, '$1\\ufffd') : json;
}

async function upsertRows<T>(
  trx: Transaction<unknown>,
  statement: (json: string) => RawBuilder<unknown>,
  rows: readonly T[],
  key: (row: T) => string | number,
): Promise<void> {
  const unique = lastPerKey(rows, key);
  for (let i = 0; i < unique.length; i += CHUNK)
    await statement(withoutNul(JSON.stringify(unique.slice(i, i + CHUNK)))).execute(trx);
}

/**
 * Writes one `InventoryChanges` (removals, upserts, isolated records, performance and functions) inside the caller's transaction,
 * without any checkpoint: `PostgresInventoryStore.commit` adds its own, and a partition worker commits
 * its partition's stream sequence through `PartitionLeases.withPartitionTransaction` in the same
 * transaction. `changes.checkpoint` is not read.
 */
export async function writeInventoryChanges<DB>(
  trx: Transaction<DB>,
  changes: InventoryChanges,
): Promise<void> {
  const t = trx as unknown as Transaction<unknown>;
  const removed = changes.removedEndpointIds;
  if (removed.length > 0) {
    for (const table of OF_ENDPOINT)
      await sql`DELETE FROM ${sql.table(table)} WHERE endpoint_id = ANY(${removed}::text[])`.execute(t);
    await sql`DELETE FROM tapline_endpoints WHERE id = ANY(${removed}::text[])`.execute(t);
  }
  await upsertRows(t, STATEMENTS.collections, changes.collections, (r) => r.id);
  await upsertRows(t, STATEMENTS.endpoints, changes.endpoints, (r) => r.id);
  await upsertRows(t, STATEMENTS.parameters, changes.parameters, (r) => r.id);
  await upsertRows(t, STATEMENTS.hourly, changes.hourly, (r) => `${r.endpointId} ${r.hour}`);
  await upsertRows(t, STATEMENTS.samples, changes.samples, (r) => r.endpointId);
  await upsertRows(t, STATEMENTS.isolated, changes.isolated ?? [], (r) => r.seq);
  const perf = changes.performance;
  await upsertRows(t, STATEMENTS.endpointPerformance, withBase64Sketch(perf.endpoints), (r) => r.endpointId);
  await upsertRows(
    t,
    STATEMENTS.hourlyPerformance,
    withBase64Sketch(perf.hourly),
    (r) => `${r.endpointId} ${r.hour}`,
  );
  await upsertRows(
    t,
    STATEMENTS.collectionPerformance,
    withBase64Sketch(perf.collections),
    (r) => r.collectionId,
  );
  await upsertRows(t, STATEMENTS.functions, perf.functions, (r) => r.endpointId);
}
