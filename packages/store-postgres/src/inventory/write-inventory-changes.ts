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
  /** [column, JSON field of the engine's row, SQL type] */
  fields: readonly (readonly [string, string, string])[];
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
  ],
  mutable: ['auth_types', 'sensitive', 'status_codes', 'calls', 'first_seen', 'last_seen', 'graphql'],
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

const quote = (name: string) => `"${name}"`;

/** `INSERT … SELECT … FROM json_to_recordset($1) … ON CONFLICT DO UPDATE`, built once per table. */
function upsertStatement(u: Upsert): (json: string) => RawBuilder<unknown> {
  const columns = u.fields.map(([column]) => column).join(', ');
  const selected = u.fields.map(([, field]) => quote(field)).join(', ');
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
};

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

async function upsertRows<T>(
  trx: Transaction<unknown>,
  statement: (json: string) => RawBuilder<unknown>,
  rows: readonly T[],
  key: (row: T) => string | number,
): Promise<void> {
  const unique = lastPerKey(rows, key);
  for (let i = 0; i < unique.length; i += CHUNK)
    await statement(JSON.stringify(unique.slice(i, i + CHUNK))).execute(trx);
}

/**
 * Writes one `InventoryChanges` (removals, upserts, isolated records) inside the caller's transaction,
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
    for (const table of ['tapline_parameters', 'tapline_samples', 'tapline_hourly'])
      await sql`DELETE FROM ${sql.table(table)} WHERE endpoint_id = ANY(${removed}::text[])`.execute(t);
    await sql`DELETE FROM tapline_endpoints WHERE id = ANY(${removed}::text[])`.execute(t);
  }
  await upsertRows(t, STATEMENTS.collections, changes.collections, (r) => r.id);
  await upsertRows(t, STATEMENTS.endpoints, changes.endpoints, (r) => r.id);
  await upsertRows(t, STATEMENTS.parameters, changes.parameters, (r) => r.id);
  await upsertRows(t, STATEMENTS.hourly, changes.hourly, (r) => `${r.endpointId} ${r.hour}`);
  await upsertRows(t, STATEMENTS.samples, changes.samples, (r) => r.endpointId);
  await upsertRows(t, STATEMENTS.isolated, changes.isolated ?? [], (r) => r.seq);
}
