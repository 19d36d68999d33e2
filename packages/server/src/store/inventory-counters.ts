import { type QueryExecutorProvider, sql } from 'kysely';

/**
 * Totals the engine reports at start-up, kept in `meta` so opening a store of a million endpoints reads
 * three rows instead of scanning two tables. Triggers keep them: they run inside whatever statement
 * changes the rows, so the totals are committed (or rolled back) with the rows, whichever code writes
 * them. An upsert's update path fires only the UPDATE triggers, so a commit that updates known
 * endpoints writes no counter at all.
 */
export const COUNTER_KEYS = {
  endpoints: 'endpoint_count',
  callsOverEndpointCap: 'calls_over_endpoint_cap',
  valuesOverParameterCap: 'values_over_parameter_cap',
} as const;

const { endpoints, callsOverEndpointCap: calls, valuesOverParameterCap: values } = COUNTER_KEYS;

/** Adds `delta` (an SQL expression over NEW/OLD) to one counter. */
const add = (key: string, delta: string) =>
  `UPDATE meta SET value = value + (${delta}) WHERE key = '${key}';`;

const TRIGGERS = [
  `CREATE TRIGGER IF NOT EXISTS endpoints_count_insert AFTER INSERT ON endpoints BEGIN
    ${add(endpoints, '1')} END`,
  `CREATE TRIGGER IF NOT EXISTS endpoints_count_delete AFTER DELETE ON endpoints BEGIN
    ${add(endpoints, '-1')} END`,
  `CREATE TRIGGER IF NOT EXISTS collections_over_cap_insert AFTER INSERT ON collections
    WHEN NEW.calls_over_endpoint_cap != 0 OR NEW.values_over_parameter_cap != 0 BEGIN
    ${add(calls, 'NEW.calls_over_endpoint_cap')} ${add(values, 'NEW.values_over_parameter_cap')} END`,
  `CREATE TRIGGER IF NOT EXISTS collections_over_cap_update
    AFTER UPDATE OF calls_over_endpoint_cap, values_over_parameter_cap ON collections
    WHEN NEW.calls_over_endpoint_cap != OLD.calls_over_endpoint_cap
      OR NEW.values_over_parameter_cap != OLD.values_over_parameter_cap BEGIN
    ${add(calls, 'NEW.calls_over_endpoint_cap - OLD.calls_over_endpoint_cap')}
    ${add(values, 'NEW.values_over_parameter_cap - OLD.values_over_parameter_cap')} END`,
  `CREATE TRIGGER IF NOT EXISTS collections_over_cap_delete AFTER DELETE ON collections
    WHEN OLD.calls_over_endpoint_cap != 0 OR OLD.values_over_parameter_cap != 0 BEGIN
    ${add(calls, '-OLD.calls_over_endpoint_cap')} ${add(values, '-OLD.values_over_parameter_cap')} END`,
];

/** Each counter's value from the rows themselves: run once, when a data directory does not have it yet. */
const INITIAL_VALUES = [
  { key: endpoints, value: 'SELECT count(*) FROM endpoints' },
  { key: calls, value: 'SELECT coalesce(sum(calls_over_endpoint_cap), 0) FROM collections' },
  { key: values, value: 'SELECT coalesce(sum(values_over_parameter_cap), 0) FROM collections' },
];

/**
 * Creates the counters and their triggers (idempotent). Runs inside the migration's write transaction,
 * after the tables exist: a data directory from before the counters is counted once, here, and the
 * triggers exist from the same commit on, so no write falls between the count and the first trigger.
 */
export async function migrateCounters(db: QueryExecutorProvider): Promise<void> {
  for (const { key, value } of INITIAL_VALUES) {
    await sql
      .raw(`INSERT INTO meta (key, value) SELECT '${key}', (${value})
        WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = '${key}')`)
      .execute(db);
  }
  for (const trigger of TRIGGERS) await sql.raw(trigger).execute(db);
}
