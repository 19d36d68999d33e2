import type {
  CollectionFilter,
  CollectionListing,
  EndpointDetail,
  EndpointFilter,
  InventoryQueries,
  OpenApiSource,
} from '@tapline/server';
import { compareParameters } from '@tapline/server';
import { type Kysely, sql } from 'kysely';
import type { PostgresConnection } from '../connection.js';
import type { InventoryTables } from './inventory-schema.js';
import { postgresCollectionPage } from './postgres-collection-listing.js';
import { openInventoryDatabase, type PostgresStoreOptions } from './postgres-inventory-store.js';
import { endpointExtras, endpointOrder, hourlyPerformance } from './postgres-performance-queries.js';

const NO_EXTRAS = { performance: null, functions: [], otherFunctionCalls: 0 };

import {
  collectionFromDb,
  compareEndpointParameters,
  endpointFromDb,
  hourlyFromDb,
  parameterFromDb,
  samplesFromDb,
} from './row-mapping.js';

/**
 * The read side of the query API on PostgreSQL, answering exactly as the SQLite implementation does:
 * orderings by code point ("C" collation columns), NULL statuses first, search as a case-insensitive
 * (ASCII-folding) substring of the templated path.
 */
export class PostgresInventoryQueries implements InventoryQueries {
  private constructor(private readonly connection: PostgresConnection<InventoryTables>) {}

  static async open(options: PostgresStoreOptions): Promise<PostgresInventoryQueries> {
    return new PostgresInventoryQueries(await openInventoryDatabase(options));
  }

  private get db(): Kysely<InventoryTables> {
    return this.connection.db;
  }

  listCollections(filter: CollectionFilter): Promise<{ collections: CollectionListing[]; total: number }> {
    return postgresCollectionPage(this.db, filter);
  }

  async getCollection(id: string): Promise<CollectionListing | undefined> {
    return (await postgresCollectionPage(this.db, { id, page: 1, pageSize: 1 })).collections[0];
  }

  async listEndpoints(
    collectionId: string,
    filter: EndpointFilter,
  ): Promise<{ endpoints: EndpointDetail['endpoint'][]; total: number } | undefined> {
    const exists = await this.db
      .selectFrom('tapline_collections')
      .select('id')
      .where('id', '=', collectionId)
      .executeTakeFirst();
    if (exists === undefined) return undefined;
    let query = this.db.selectFrom('tapline_endpoints as e').where('collection_id', '=', collectionId);
    if (filter.search !== undefined && filter.search !== '') {
      const needle = filter.search.toLowerCase();
      // strpos, not LIKE: no wildcard characters to escape; lower() on "C" text folds ASCII only, as SQLite's.
      query = query.where(sql<boolean>`strpos(lower(path), ${needle}) > 0`);
    }
    if (filter.method !== undefined && filter.method !== '') {
      query = query.where('method', '=', filter.method.toUpperCase());
    }
    if (filter.sensitive === 'ANY') {
      query = query.where(sql<boolean>`cardinality(sensitive) > 0`);
    } else if (filter.sensitive !== undefined) {
      query = query.where(sql<boolean>`${filter.sensitive}::text = ANY(sensitive)`);
    }
    if (filter.auth !== undefined) {
      query = query.where(sql<boolean>`${filter.auth}::text = ANY(auth_types)`);
    }
    if (filter.firstSeenAfter !== undefined) {
      // first_seen is in whole epoch seconds: "after t" is "first_seen > floor(t)" in seconds.
      query = query.where('first_seen', '>', Math.floor(filter.firstSeenAfter / 1000));
    }
    const total = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await query
      .leftJoin('tapline_endpoint_performance as p', 'p.endpoint_id', 'e.id')
      .selectAll('e')
      .orderBy(endpointOrder(filter.sort, filter.order))
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize)
      .execute();
    const extras = await endpointExtras(
      this.db,
      rows.map((row) => row.id),
    );
    const endpoints = rows.map((row) => ({ ...endpointFromDb(row), ...(extras.get(row.id) ?? NO_EXTRAS) }));
    return { endpoints, total: Number(total.n) };
  }

  async getEndpoint(id: string): Promise<EndpointDetail | undefined> {
    const row = await this.db
      .selectFrom('tapline_endpoints')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const parameters = await this.db
      .selectFrom('tapline_parameters')
      .selectAll()
      .where('endpoint_id', '=', id)
      .execute();
    const samples = await this.db
      .selectFrom('tapline_samples')
      .selectAll()
      .where('endpoint_id', '=', id)
      .execute();
    const hourly = await this.db
      .selectFrom('tapline_hourly')
      .selectAll()
      .where('endpoint_id', '=', id)
      .orderBy('hour')
      .execute();
    const extras = await endpointExtras(this.db, [id]);
    return {
      endpoint: { ...endpointFromDb(row), ...(extras.get(id) ?? NO_EXTRAS) },
      hourlyPerformance: await hourlyPerformance(this.db, id),
      parameters: parameters.map(parameterFromDb).sort(compareParameters),
      samples: samples.flatMap(samplesFromDb),
      hourly: hourly.map(hourlyFromDb),
    };
  }

  async collectionForOpenApi(id: string): Promise<OpenApiSource | undefined> {
    const row = await this.db
      .selectFrom('tapline_collections')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const endpoints = await this.db
      .selectFrom('tapline_endpoints')
      .selectAll()
      .where('collection_id', '=', id)
      .orderBy('path')
      .orderBy('method')
      .execute();
    const parameters = await this.db
      .selectFrom('tapline_parameters as p')
      .innerJoin('tapline_endpoints as e', 'e.id', 'p.endpoint_id')
      .selectAll('p')
      .where('e.collection_id', '=', id)
      .execute();
    const samples = await this.db
      .selectFrom('tapline_samples as s')
      .innerJoin('tapline_endpoints as e', 'e.id', 's.endpoint_id')
      .selectAll('s')
      .where('e.collection_id', '=', id)
      .orderBy('s.endpoint_id')
      .execute();
    return {
      collection: collectionFromDb(row),
      endpoints: endpoints.map(endpointFromDb),
      parameters: parameters.map(parameterFromDb).sort(compareEndpointParameters),
      samples: samples.flatMap(samplesFromDb),
    };
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
