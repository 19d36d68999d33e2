import {
  emptyPerformanceRows,
  type InventoryChanges,
  type InventoryPart,
  type InventorySnapshot,
  type ParameterRow,
} from '@tapline/inventory';
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { SyncLevel } from '../config.js';
import { INVENTORY_DB_FILE, openDatabase } from '../sqlite/open-database.js';
import { COUNTER_KEYS } from './inventory-counters.js';
import { type InventoryDatabase, migrateInventory } from './inventory-schema.js';
import type { InventoryStore } from './inventory-store.js';
import {
  collectionFromDb,
  endpointFromDb,
  hourlyFromDb,
  type ParameterTuple,
  parametersFromDb,
  parameterTuple,
  parameterTuplesById,
  samplesFromDb,
  sensitiveCountOf,
} from './row-mapping.js';
import { sqlitePerformanceRows } from './sqlite-performance-rows.js';

const CHECKPOINT_KEY = 'checkpoint';

/**
 * `INSERT ... ON CONFLICT DO UPDATE` with positional parameters. Only `mutable` columns are updated on
 * conflict: the others are what the row's id is derived from, so they never change, and leaving them out
 * of the SET spares SQLite rewriting the index entries on them (most of a commit is updates).
 */
function upsertSql(
  table: string,
  keys: readonly string[],
  columns: readonly string[],
  mutable: readonly string[],
): string {
  const updates = mutable.map((column) => `${column} = excluded.${column}`);
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
    ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}

const COLLECTION_COLUMNS = [
  'id',
  'name',
  'host',
  'tags',
  'first_seen',
  'last_seen',
  'calls_over_endpoint_cap',
  'values_over_parameter_cap',
];
const COLLECTION_MUTABLE = [
  'tags',
  'first_seen',
  'last_seen',
  'calls_over_endpoint_cap',
  'values_over_parameter_cap',
];
const ENDPOINT_COLUMNS = [
  'id',
  'collection_id',
  'method',
  'path',
  'auth_types',
  'sensitive',
  'status_codes',
  'calls',
  'first_seen',
  'last_seen',
  'graphql',
  'declared_route',
];
const ENDPOINT_MUTABLE = [
  'auth_types',
  'sensitive',
  'status_codes',
  'calls',
  'first_seen',
  'last_seen',
  'graphql',
  'declared_route',
];
/**
 * The inventory aggregates on SQLite; `commit` is one transaction including the checkpoint.
 * Reads and the schema go through Kysely; the commit, which writes tens of thousands of rows per
 * call, runs prepared statements in one synchronous better-sqlite3 transaction (several times
 * faster than compiling multi-row queries).
 */
export class SqliteInventoryStore implements InventoryStore {
  private readonly commitAll: (changes: InventoryChanges) => void;
  private readonly loadAll: (collectionIds: readonly string[]) => InventoryPart;
  private readonly performance: ReturnType<typeof sqlitePerformanceRows>;

  private constructor(
    private readonly db: Kysely<InventoryDatabase>,
    sqlite: Database.Database,
    private readonly closeDatabase: () => Promise<void>,
  ) {
    const statements = {
      collection: sqlite.prepare(upsertSql('collections', ['id'], COLLECTION_COLUMNS, COLLECTION_MUTABLE)),
      endpoint: sqlite.prepare(upsertSql('endpoints', ['id'], ENDPOINT_COLUMNS, ENDPOINT_MUTABLE)),
      parameters: sqlite.prepare(
        upsertSql(
          'endpoint_parameters',
          ['endpoint_id'],
          ['endpoint_id', 'parameters', 'sensitive_count'],
          ['parameters', 'sensitive_count'],
        ),
      ),
      storedParameters: sqlite
        .prepare('SELECT parameters FROM endpoint_parameters WHERE endpoint_id = ?')
        .pluck(),
      hourly: sqlite.prepare(
        upsertSql('hourly', ['endpoint_id', 'hour'], ['endpoint_id', 'hour', 'calls'], ['calls']),
      ),
      samples: sqlite.prepare(upsertSql('samples', ['endpoint_id'], ['endpoint_id', 'samples'], ['samples'])),
      removeParameters: sqlite.prepare('DELETE FROM endpoint_parameters WHERE endpoint_id = ?'),
      removeSamples: sqlite.prepare('DELETE FROM samples WHERE endpoint_id = ?'),
      removeHourly: sqlite.prepare('DELETE FROM hourly WHERE endpoint_id = ?'),
      removeEndpoint: sqlite.prepare('DELETE FROM endpoints WHERE id = ?'),
      checkpoint: sqlite.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      isolated: sqlite.prepare(
        'INSERT OR REPLACE INTO isolated_records (seq, reason, record, isolated_at) VALUES (?, ?, ?, ?)',
      ),
    };
    // One JSON array of ids per query: one prepared statement whatever the number of collections.
    const ids = 'SELECT value FROM json_each(?)';
    const inCollections = `SELECT id FROM endpoints WHERE collection_id IN (${ids})`;
    const load = {
      collections: sqlite.prepare(`SELECT * FROM collections WHERE id IN (${ids})`),
      endpoints: sqlite.prepare(`SELECT * FROM endpoints WHERE collection_id IN (${ids})`),
      parameters: sqlite.prepare(
        `SELECT endpoint_id, parameters FROM endpoint_parameters WHERE endpoint_id IN (${inCollections})`,
      ),
      samples: sqlite.prepare(`SELECT * FROM samples WHERE endpoint_id IN (${inCollections})`),
      hourly: sqlite.prepare(`SELECT * FROM hourly WHERE endpoint_id IN (${inCollections})`),
    };
    const performance = sqlitePerformanceRows(sqlite);
    this.performance = performance;
    type Row<T extends keyof InventoryDatabase> = InventoryDatabase[T];
    // One read transaction: the rows of a collection are from one commit.
    this.loadAll = sqlite.transaction((collectionIds: readonly string[]): InventoryPart => {
      const list = JSON.stringify(collectionIds);
      return {
        collections: (load.collections.all(list) as Row<'collections'>[]).map(collectionFromDb),
        endpoints: (load.endpoints.all(list) as Row<'endpoints'>[]).map(endpointFromDb),
        parameters: (load.parameters.all(list) as Row<'endpoint_parameters'>[]).flatMap((row) =>
          parametersFromDb(row.endpoint_id, row.parameters),
        ),
        samples: (load.samples.all(list) as Row<'samples'>[]).flatMap(samplesFromDb),
        hourly: (load.hourly.all(list) as Row<'hourly'>[]).map(hourlyFromDb),
        performance: performance.load(list),
      };
    });
    this.commitAll = sqlite.transaction((changes: InventoryChanges) => {
      for (const id of changes.removedEndpointIds) {
        statements.removeParameters.run(id);
        statements.removeSamples.run(id);
        statements.removeHourly.run(id);
        statements.removeEndpoint.run(id);
      }
      // Positional arguments in column order: no per-row parameter object to build and read back.
      for (const r of changes.collections) {
        statements.collection.run(
          r.id,
          r.name,
          r.host,
          JSON.stringify(r.tags),
          r.firstSeen,
          r.lastSeen,
          r.callsOverEndpointCap,
          r.valuesOverParameterCap,
        );
      }
      for (const r of changes.endpoints) {
        statements.endpoint.run(
          r.id,
          r.collectionId,
          r.method,
          r.path,
          JSON.stringify(r.authTypes),
          JSON.stringify(r.sensitive),
          JSON.stringify(r.statusCodes),
          r.calls,
          r.firstSeen,
          r.lastSeen,
          r.graphql === undefined ? null : JSON.stringify(r.graphql),
          r.declaredRoute === true ? 1 : 0,
        );
      }
      // Changed parameters merged into their endpoint's stored ones (unless they are all of them): one
      // row write per endpoint.
      const changedByEndpoint = new Map<string, ParameterRow[]>();
      for (const r of changes.parameters) {
        const list = changedByEndpoint.get(r.endpointId);
        if (list === undefined) changedByEndpoint.set(r.endpointId, [r]);
        else list.push(r);
      }
      const complete = new Set(changes.completeParameters);
      for (const [endpointId, changed] of changedByEndpoint) {
        if (complete.has(endpointId)) {
          const tuples = changed.map(parameterTuple);
          statements.parameters.run(endpointId, JSON.stringify(tuples), sensitiveCountOf(tuples));
          continue;
        }
        const stored = statements.storedParameters.get(endpointId) as string | undefined;
        const byId = stored === undefined ? new Map<string, ParameterTuple>() : parameterTuplesById(stored);
        for (const r of changed) byId.set(r.id, parameterTuple(r));
        const tuples = [...byId.values()];
        statements.parameters.run(endpointId, JSON.stringify(tuples), sensitiveCountOf(tuples));
      }
      for (const r of changes.hourly) statements.hourly.run(r.endpointId, r.hour, r.calls);
      for (const entry of changes.samples)
        statements.samples.run(entry.endpointId, JSON.stringify(entry.samples));
      for (const entry of changes.isolated ?? []) {
        statements.isolated.run(entry.seq, entry.reason, JSON.stringify(entry.record), entry.isolatedAt);
      }
      performance.commit(changes);
      statements.checkpoint.run(CHECKPOINT_KEY, changes.checkpoint);
    });
  }

  static async open(dataDir: string, sync: SyncLevel): Promise<SqliteInventoryStore> {
    const { db, sqlite, close } = openDatabase<InventoryDatabase>(dataDir, INVENTORY_DB_FILE, sync);
    await migrateInventory(db);
    return new SqliteInventoryStore(db, sqlite, close);
  }

  async loadSnapshot(): Promise<InventorySnapshot> {
    const checkpoint = await this.checkpoint();
    const collections = await this.db.selectFrom('collections').selectAll().execute();
    const endpoints = await this.db.selectFrom('endpoints').selectAll().execute();
    const parameters = await this.db.selectFrom('endpoint_parameters').selectAll().execute();
    const samples = await this.db.selectFrom('samples').selectAll().orderBy('endpoint_id').execute();
    const hourly = await this.db.selectFrom('hourly').selectAll().execute();
    return {
      checkpoint,
      collections: collections.map(collectionFromDb),
      endpoints: endpoints.map(endpointFromDb),
      parameters: parameters.flatMap((row) => parametersFromDb(row.endpoint_id, row.parameters)),
      samples: samples.flatMap(samplesFromDb),
      hourly: hourly.map(hourlyFromDb),
      performance: this.performance.loadAll(),
    };
  }

  async loadCollections(collectionIds: readonly string[]): Promise<InventoryPart> {
    if (collectionIds.length === 0)
      return {
        collections: [],
        endpoints: [],
        parameters: [],
        samples: [],
        hourly: [],
        performance: emptyPerformanceRows(),
      };
    return this.loadAll(collectionIds);
  }

  async commit(changes: InventoryChanges): Promise<void> {
    this.commitAll(changes);
  }

  async checkpoint(): Promise<number> {
    const row = await this.db
      .selectFrom('meta')
      .select('value')
      .where('key', '=', CHECKPOINT_KEY)
      .executeTakeFirst();
    return row?.value ?? 0;
  }

  /** Kept in `meta` by triggers (inventory-counters.ts): no scan of a million rows at start-up. */
  async endpointCount(): Promise<number> {
    return this.counter(COUNTER_KEYS.endpoints);
  }

  /** A scan, but of a table that holds only the rare records set aside. */
  async isolatedCount(): Promise<number> {
    const row = await this.db
      .selectFrom('isolated_records')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async overCapTotals(): Promise<{ calls: number; values: number }> {
    return {
      calls: await this.counter(COUNTER_KEYS.callsOverEndpointCap),
      values: await this.counter(COUNTER_KEYS.valuesOverParameterCap),
    };
  }

  private async counter(key: string): Promise<number> {
    const row = await this.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
    return Number(row?.value ?? 0);
  }

  async close(): Promise<void> {
    await this.closeDatabase();
  }
}
