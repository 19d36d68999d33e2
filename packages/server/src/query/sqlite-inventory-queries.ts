import { type Kysely, sql } from 'kysely';
import type { SyncLevel } from '../config.js';
import { INVENTORY_DB_FILE, openDatabase } from '../sqlite/open-database.js';
import { type InventoryDatabase, migrateInventory } from '../store/inventory-schema.js';
import {
  collectionFromDb,
  compareParameters,
  endpointFromDb,
  hourlyFromDb,
  parametersFromDb,
  samplesFromDb,
} from '../store/row-mapping.js';
import type {
  CollectionFilter,
  CollectionListing,
  EndpointDetail,
  EndpointFilter,
  InventoryQueries,
  OpenApiSource,
} from './inventory-queries.js';
import { sqliteCollectionPage } from './sqlite-collection-listing.js';
import { endpointExtras, endpointOrder, hourlyPerformance } from './sqlite-performance-queries.js';

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

  listCollections(filter: CollectionFilter): Promise<{ collections: CollectionListing[]; total: number }> {
    return sqliteCollectionPage(this.db, filter);
  }

  async getCollection(id: string): Promise<CollectionListing | undefined> {
    return (await sqliteCollectionPage(this.db, { id, page: 1, pageSize: 1 })).collections[0];
  }

  async listEndpoints(collectionId: string, filter: EndpointFilter) {
    const exists = await this.db
      .selectFrom('collections')
      .select('id')
      .where('id', '=', collectionId)
      .executeTakeFirst();
    if (exists === undefined) return undefined;
    let query = this.db.selectFrom('endpoints as e').where('collection_id', '=', collectionId);
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
      .leftJoin('endpoint_performance as p', 'p.endpoint_id', 'e.id')
      .selectAll('e')
      .orderBy(endpointOrder(filter.sort, filter.order))
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute();
    const extras = await endpointExtras(
      this.db,
      rows.map((row) => row.id),
    );
    const endpoints = rows.map((row) => ({
      ...endpointFromDb(row),
      ...(extras.get(row.id) ?? { performance: null, functions: [], otherFunctionCalls: 0 }),
    }));
    return { endpoints, total: Number(total.n) };
  }

  async getEndpoint(id: string): Promise<EndpointDetail | undefined> {
    const row = await this.db.selectFrom('endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) return undefined;
    const [parameters, samples, hourly, extras, perHour] = await Promise.all([
      this.db.selectFrom('endpoint_parameters').selectAll().where('endpoint_id', '=', id).execute(),
      this.db.selectFrom('samples').selectAll().where('endpoint_id', '=', id).execute(),
      this.db.selectFrom('hourly').selectAll().where('endpoint_id', '=', id).orderBy('hour').execute(),
      endpointExtras(this.db, [id]),
      hourlyPerformance(this.db, id),
    ]);
    return {
      endpoint: {
        ...endpointFromDb(row),
        ...(extras.get(id) ?? { performance: null, functions: [], otherFunctionCalls: 0 }),
      },
      hourlyPerformance: perHour,
      parameters: parameters
        .flatMap((p) => parametersFromDb(p.endpoint_id, p.parameters))
        .sort(compareParameters),
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
      .selectFrom('endpoint_parameters')
      .innerJoin('endpoints', 'endpoints.id', 'endpoint_parameters.endpoint_id')
      .selectAll('endpoint_parameters')
      .where('endpoints.collection_id', '=', id)
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
      // A fixed order, so every store hands the OpenAPI document its body properties in one order.
      parameters: parameters
        .flatMap((p) => parametersFromDb(p.endpoint_id, p.parameters))
        .sort(
          (a, b) =>
            (a.endpointId < b.endpointId ? -1 : a.endpointId > b.endpointId ? 1 : 0) ||
            compareParameters(a, b),
        ),
      samples: samples.flatMap(samplesFromDb),
    };
  }

  async close(): Promise<void> {
    await this.closeDatabase();
  }
}
