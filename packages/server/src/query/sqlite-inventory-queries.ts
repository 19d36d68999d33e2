import type { AuthType } from '@tapline/inventory';
import { type Kysely, sql } from 'kysely';
import type { SyncLevel } from '../config.js';
import { INVENTORY_DB_FILE, openDatabase } from '../sqlite/open-database.js';
import { type InventoryDatabase, migrateInventory } from '../store/inventory-schema.js';
import {
  collectionFromDb,
  endpointFromDb,
  hourlyFromDb,
  parameterFromDb,
  samplesFromDb,
} from '../store/row-mapping.js';
import type {
  CollectionListing,
  EndpointDetail,
  EndpointFilter,
  InventoryQueries,
  OpenApiSource,
} from './inventory-queries.js';

/** The read side of the query API, on its own connection (WAL readers never block the engine's writes). */
export class SqliteInventoryQueries implements InventoryQueries {
  private constructor(
    private readonly db: Kysely<InventoryDatabase>,
    private readonly closeDatabase: () => Promise<void>,
  ) {}

  static async open(dataDir: string, sync: SyncLevel): Promise<SqliteInventoryQueries> {
    const { db, close } = openDatabase<InventoryDatabase>(dataDir, INVENTORY_DB_FILE, sync);
    await migrateInventory(db);
    return new SqliteInventoryQueries(db, close);
  }

  async listCollections(): Promise<CollectionListing[]> {
    const collections = await this.db.selectFrom('collections').selectAll().orderBy('name').execute();
    const endpointCounts = await this.db
      .selectFrom('endpoints')
      .select(['collection_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('collection_id')
      .execute();
    const sensitiveCounts = await this.db
      .selectFrom('parameters')
      .innerJoin('endpoints', 'endpoints.id', 'parameters.endpoint_id')
      .select(['endpoints.collection_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('parameters.sensitive', '!=', '[]')
      .groupBy('endpoints.collection_id')
      .execute();
    const authRows = await sql<{ collection_id: string; auth: AuthType }>`
      SELECT DISTINCT e.collection_id AS collection_id, j.value AS auth
      FROM endpoints e, json_each(e.auth_types) j ORDER BY j.value`.execute(this.db);
    const endpointsBy = new Map(endpointCounts.map((row) => [row.collection_id, Number(row.n)]));
    const sensitiveBy = new Map(sensitiveCounts.map((row) => [row.collection_id, Number(row.n)]));
    const authBy = new Map<string, AuthType[]>();
    for (const row of authRows.rows) {
      const list = authBy.get(row.collection_id) ?? [];
      list.push(row.auth);
      authBy.set(row.collection_id, list);
    }
    return collections.map((row) => ({
      ...collectionFromDb(row),
      endpoints: endpointsBy.get(row.id) ?? 0,
      sensitiveParams: sensitiveBy.get(row.id) ?? 0,
      authTypes: authBy.get(row.id) ?? [],
    }));
  }

  async listEndpoints(collectionId: string, filter: EndpointFilter) {
    const exists = await this.db
      .selectFrom('collections')
      .select('id')
      .where('id', '=', collectionId)
      .executeTakeFirst();
    if (exists === undefined) return undefined;
    let query = this.db.selectFrom('endpoints').where('collection_id', '=', collectionId);
    if (filter.search !== undefined && filter.search !== '') {
      const needle = filter.search.toLowerCase();
      query = query.where(sql<boolean>`instr(lower(path), ${needle}) > 0`);
    }
    if (filter.method !== undefined && filter.method !== '') {
      query = query.where('method', '=', filter.method.toUpperCase());
    }
    if (filter.sensitive === 'ANY') {
      // The column is the JSON array of classes: "any class" is a plain comparison, no json_each.
      query = query.where('sensitive', '!=', '[]');
    } else if (filter.sensitive !== undefined) {
      const wanted = filter.sensitive;
      query = query.where(sql<boolean>`EXISTS (SELECT 1 FROM json_each(sensitive) WHERE value = ${wanted})`);
    }
    if (filter.auth !== undefined) {
      const wanted = filter.auth;
      query = query.where(sql<boolean>`EXISTS (SELECT 1 FROM json_each(auth_types) WHERE value = ${wanted})`);
    }
    if (filter.firstSeenAfter !== undefined) {
      // first_seen is in whole epoch seconds: "after t" is "first_seen > floor(t)" in seconds.
      query = query.where('first_seen', '>', Math.floor(filter.firstSeenAfter / 1000));
    }
    const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await query
      .selectAll()
      .orderBy('path')
      .orderBy('method')
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute();
    return { endpoints: rows.map(endpointFromDb), total: Number(total.n) };
  }

  async getEndpoint(id: string): Promise<EndpointDetail | undefined> {
    const row = await this.db.selectFrom('endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) return undefined;
    const [parameters, samples, hourly] = await Promise.all([
      this.db
        .selectFrom('parameters')
        .selectAll()
        .where('endpoint_id', '=', id)
        .orderBy('location')
        .orderBy('status')
        .orderBy('in_')
        .orderBy('name')
        .execute(),
      this.db.selectFrom('samples').selectAll().where('endpoint_id', '=', id).execute(),
      this.db.selectFrom('hourly').selectAll().where('endpoint_id', '=', id).orderBy('hour').execute(),
    ]);
    return {
      endpoint: endpointFromDb(row),
      parameters: parameters.map(parameterFromDb),
      samples: samples.flatMap(samplesFromDb),
      hourly: hourly.map(hourlyFromDb),
    };
  }

  async collectionForOpenApi(id: string): Promise<OpenApiSource | undefined> {
    const row = await this.db.selectFrom('collections').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) return undefined;
    const endpoints = await this.db
      .selectFrom('endpoints')
      .selectAll()
      .where('collection_id', '=', id)
      .orderBy('path')
      .orderBy('method')
      .execute();
    const parameters = await this.db
      .selectFrom('parameters')
      .innerJoin('endpoints', 'endpoints.id', 'parameters.endpoint_id')
      .selectAll('parameters')
      .where('endpoints.collection_id', '=', id)
      // A fixed order, so every store hands the OpenAPI document its body properties in one order.
      .orderBy('parameters.endpoint_id')
      .orderBy('parameters.location')
      .orderBy('parameters.status')
      .orderBy('parameters.in_')
      .orderBy('parameters.name')
      .execute();
    const samples = await this.db
      .selectFrom('samples')
      .innerJoin('endpoints', 'endpoints.id', 'samples.endpoint_id')
      .selectAll('samples')
      .where('endpoints.collection_id', '=', id)
      .orderBy('samples.endpoint_id')
      .execute();
    return {
      collection: collectionFromDb(row),
      endpoints: endpoints.map(endpointFromDb),
      parameters: parameters.map(parameterFromDb),
      samples: samples.flatMap(samplesFromDb),
    };
  }

  async close(): Promise<void> {
    await this.closeDatabase();
  }
}
