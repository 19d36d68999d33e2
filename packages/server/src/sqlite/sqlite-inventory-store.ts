import type { InventoryChanges, InventorySnapshot } from '@tapline/inventory';
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { SyncLevel } from '../config.js';
import type { InventoryStore } from '../ports.js';
import { type InventoryDatabase, migrateInventory } from './inventory-schema.js';
import { INVENTORY_DB_FILE, openDatabase } from './open-database.js';
import {
  collectionFromDb,
  collectionToDb,
  endpointFromDb,
  endpointToDb,
  hourlyFromDb,
  parameterFromDb,
  parameterToDb,
  samplesFromDb,
} from './row-mapping.js';

const CHECKPOINT_KEY = 'checkpoint';

/** `INSERT ... ON CONFLICT DO UPDATE` of every non-key column, with named parameters. */
function upsertSql(table: string, keys: readonly string[], columns: readonly string[]): string {
  const updates = columns
    .filter((column) => !keys.includes(column))
    .map((column) => `${column} = excluded.${column}`);
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((column) => `@${column}`).join(', ')})
    ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
}

const COLLECTION_COLUMNS = ['id', 'name', 'host', 'tags', 'first_seen', 'last_seen'];
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
];
const PARAMETER_COLUMNS = [
  'id',
  'endpoint_id',
  'location',
  'status',
  'in_',
  'name',
  'types',
  'sensitive',
  'first_seen',
  'last_seen',
  'count',
  'examples',
];

/**
 * The inventory aggregates on SQLite; `commit` is one transaction including the checkpoint.
 * Reads and the schema go through Kysely; the commit, which writes tens of thousands of rows per
 * call, runs prepared statements in one synchronous better-sqlite3 transaction (several times
 * faster than compiling multi-row queries).
 */
export class SqliteInventoryStore implements InventoryStore {
  private readonly commitAll: (changes: InventoryChanges) => void;

  private constructor(
    private readonly db: Kysely<InventoryDatabase>,
    sqlite: Database.Database,
    private readonly closeDatabase: () => Promise<void>,
  ) {
    const statements = {
      collection: sqlite.prepare(upsertSql('collections', ['id'], COLLECTION_COLUMNS)),
      endpoint: sqlite.prepare(upsertSql('endpoints', ['id'], ENDPOINT_COLUMNS)),
      parameter: sqlite.prepare(upsertSql('parameters', ['id'], PARAMETER_COLUMNS)),
      hourly: sqlite.prepare(upsertSql('hourly', ['endpoint_id', 'hour'], ['endpoint_id', 'hour', 'calls'])),
      samples: sqlite.prepare(upsertSql('samples', ['endpoint_id'], ['endpoint_id', 'samples'])),
      removeParameters: sqlite.prepare('DELETE FROM parameters WHERE endpoint_id = ?'),
      removeSamples: sqlite.prepare('DELETE FROM samples WHERE endpoint_id = ?'),
      removeHourly: sqlite.prepare('DELETE FROM hourly WHERE endpoint_id = ?'),
      removeEndpoint: sqlite.prepare('DELETE FROM endpoints WHERE id = ?'),
      checkpoint: sqlite.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
    };
    this.commitAll = sqlite.transaction((changes: InventoryChanges) => {
      for (const id of changes.removedEndpointIds) {
        statements.removeParameters.run(id);
        statements.removeSamples.run(id);
        statements.removeHourly.run(id);
        statements.removeEndpoint.run(id);
      }
      for (const row of changes.collections) statements.collection.run(collectionToDb(row));
      for (const row of changes.endpoints) statements.endpoint.run(endpointToDb(row));
      for (const row of changes.parameters) statements.parameter.run(parameterToDb(row));
      for (const row of changes.hourly) {
        statements.hourly.run({ endpoint_id: row.endpointId, hour: row.hour, calls: row.calls });
      }
      for (const entry of changes.samples) {
        statements.samples.run({ endpoint_id: entry.endpointId, samples: JSON.stringify(entry.samples) });
      }
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
    const parameters = await this.db.selectFrom('parameters').selectAll().execute();
    const samples = await this.db.selectFrom('samples').selectAll().orderBy('endpoint_id').execute();
    const hourly = await this.db.selectFrom('hourly').selectAll().execute();
    return {
      checkpoint,
      collections: collections.map(collectionFromDb),
      endpoints: endpoints.map(endpointFromDb),
      parameters: parameters.map(parameterFromDb),
      samples: samples.flatMap(samplesFromDb),
      hourly: hourly.map(hourlyFromDb),
    };
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

  async endpointCount(): Promise<number> {
    const row = await this.db
      .selectFrom('endpoints')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async close(): Promise<void> {
    await this.closeDatabase();
  }
}
