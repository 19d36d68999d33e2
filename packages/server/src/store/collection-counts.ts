import { type QueryExecutorProvider, sql } from 'kysely';

/**
 * What the collection list shows per collection (endpoints, sensitive parameters, auth types), kept by
 * triggers so listing 20,000 collections reads two small tables instead of scanning every endpoint and
 * every parameter list. The triggers run inside the statements that change the rows, so the counts are
 * committed (or rolled back) with them, whatever code writes them and in whichever order.
 *
 * Invariants: `collection_counts.endpoints` = endpoints of the collection; `sensitive_params` = sum of
 * `endpoint_parameters.sensitive_count` over its endpoints (a parameter row counts only while its
 * endpoint exists, as the join it replaces did); `collection_auth_types` holds, per collection and auth
 * type, how many of its endpoints carry it (rows at 0 are deleted).
 * On a commit's common path (updating known endpoints whose auth types and sensitive counts did not
 * change) the update triggers' WHEN clauses are false, so they write nothing.
 */
export interface CollectionCountsDatabase {
  collection_counts: { collection_id: string; endpoints: number; sensitive_params: number };
  collection_auth_types: { collection_id: string; auth: string; endpoints: number };
}

const TABLES = [
  `CREATE TABLE IF NOT EXISTS collection_counts (
    collection_id TEXT PRIMARY KEY, endpoints INTEGER NOT NULL, sensitive_params INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS collection_auth_types (
    collection_id TEXT NOT NULL, auth TEXT NOT NULL, endpoints INTEGER NOT NULL,
    PRIMARY KEY (collection_id, auth)) WITHOUT ROWID`,
];

/** The stored sensitive count of endpoint `id` (0 without a parameter row). */
const sensitiveOf = (id: string) =>
  `coalesce((SELECT sensitive_count FROM endpoint_parameters WHERE endpoint_id = ${id}), 0)`;

/** Counts endpoint row NEW into its collection. */
const COUNT_IN = `INSERT INTO collection_counts (collection_id, endpoints, sensitive_params)
    VALUES (NEW.collection_id, 1, ${sensitiveOf('NEW.id')})
    ON CONFLICT (collection_id) DO UPDATE SET endpoints = endpoints + 1,
      sensitive_params = sensitive_params + excluded.sensitive_params;
  INSERT INTO collection_auth_types (collection_id, auth, endpoints)
    SELECT NEW.collection_id, value, 1 FROM json_each(NEW.auth_types) WHERE true
    ON CONFLICT (collection_id, auth) DO UPDATE SET endpoints = endpoints + 1;`;

/** Counts endpoint row OLD out of its collection. */
const COUNT_OUT = `UPDATE collection_counts SET endpoints = endpoints - 1,
    sensitive_params = sensitive_params - ${sensitiveOf('OLD.id')}
    WHERE collection_id = OLD.collection_id;
  UPDATE collection_auth_types SET endpoints = endpoints -
      (SELECT count(*) FROM json_each(OLD.auth_types) j WHERE j.value = collection_auth_types.auth)
    WHERE collection_id = OLD.collection_id AND auth IN (SELECT value FROM json_each(OLD.auth_types));
  DELETE FROM collection_auth_types WHERE collection_id = OLD.collection_id AND endpoints <= 0;`;

/** Adds `delta` to the sensitive count of the collection endpoint `endpointId` belongs to, if it exists. */
const addSensitive = (endpointId: string, delta: string) =>
  `UPDATE collection_counts SET sensitive_params = sensitive_params + (${delta})
    WHERE collection_id = (SELECT collection_id FROM endpoints WHERE id = ${endpointId});`;

const TRIGGERS = [
  `CREATE TRIGGER IF NOT EXISTS collection_counts_endpoint_insert AFTER INSERT ON endpoints BEGIN
    ${COUNT_IN} END`,
  `CREATE TRIGGER IF NOT EXISTS collection_counts_endpoint_delete AFTER DELETE ON endpoints BEGIN
    ${COUNT_OUT} END`,
  `CREATE TRIGGER IF NOT EXISTS collection_counts_endpoint_update
    AFTER UPDATE OF auth_types, collection_id ON endpoints
    WHEN OLD.auth_types IS NOT NEW.auth_types OR OLD.collection_id IS NOT NEW.collection_id BEGIN
    ${COUNT_OUT} ${COUNT_IN} END`,
  `CREATE TRIGGER IF NOT EXISTS collection_counts_parameters_insert AFTER INSERT ON endpoint_parameters
    WHEN NEW.sensitive_count != 0 BEGIN ${addSensitive('NEW.endpoint_id', 'NEW.sensitive_count')} END`,
  `CREATE TRIGGER IF NOT EXISTS collection_counts_parameters_delete AFTER DELETE ON endpoint_parameters
    WHEN OLD.sensitive_count != 0 BEGIN ${addSensitive('OLD.endpoint_id', '-OLD.sensitive_count')} END`,
  `CREATE TRIGGER IF NOT EXISTS collection_counts_parameters_update
    AFTER UPDATE OF sensitive_count, endpoint_id ON endpoint_parameters
    WHEN OLD.sensitive_count != NEW.sensitive_count OR OLD.endpoint_id IS NOT NEW.endpoint_id BEGIN
    ${addSensitive('OLD.endpoint_id', '-OLD.sensitive_count')}
    ${addSensitive('NEW.endpoint_id', 'NEW.sensitive_count')} END`,
];

/**
 * The counts from the rows themselves: run once, when the tables are new (a data dir from before them).
 * Three statements, each the fastest form measured at a million endpoints: endpoints from the
 * collection index alone; sensitive counts only for the parameter rows that have any; auth types
 * parsed once per distinct list of a collection, not once per endpoint.
 */
const FILL = [
  `INSERT INTO collection_counts (collection_id, endpoints, sensitive_params)
    SELECT collection_id, count(*), 0 FROM endpoints GROUP BY collection_id`,
  `INSERT INTO collection_counts (collection_id, endpoints, sensitive_params)
    SELECT e.collection_id, 0, sum(p.sensitive_count) FROM endpoint_parameters p
    JOIN endpoints e ON e.id = p.endpoint_id WHERE p.sensitive_count > 0 GROUP BY e.collection_id
    ON CONFLICT (collection_id) DO UPDATE SET sensitive_params = excluded.sensitive_params`,
  `INSERT INTO collection_auth_types (collection_id, auth, endpoints)
    SELECT g.collection_id, j.value, sum(g.n)
    FROM (SELECT collection_id, auth_types, count(*) AS n FROM endpoints GROUP BY collection_id, auth_types) g,
      json_each(g.auth_types) j
    GROUP BY g.collection_id, j.value`,
];

/** Creates the tables and triggers (idempotent); inside the migration's write transaction. */
export async function migrateCollectionCounts(db: QueryExecutorProvider): Promise<void> {
  const existing = await sql<{ n: number }>`
    SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'collection_counts'`.execute(db);
  const fresh = Number(existing.rows[0]?.n ?? 0) === 0;
  for (const statement of TABLES) await sql.raw(statement).execute(db);
  if (fresh) for (const statement of FILL) await sql.raw(statement).execute(db);
  for (const trigger of TRIGGERS) await sql.raw(trigger).execute(db);
}
