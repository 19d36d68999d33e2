/**
 * One traffic set through the engine into the embedded SQLite store and into PostgreSQL: every answer
 * of the query side must be the same, value for value and in the same order.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTION_SORT_KEYS, ENDPOINT_SORT_KEYS, SORT_ORDERS } from '@tapline/contracts';
import {
  AUTH_TYPES,
  buildOpenApiDocument,
  InventoryEngine,
  type LoggedRecord,
  SENSITIVE_CLASSES,
} from '@tapline/inventory';
import type { EndpointFilter, InventoryQueries, InventoryStore } from '@tapline/server';
import { sqliteStorage } from '@tapline/server';
import { PostgresInventoryQueries, PostgresInventoryStore } from '@tapline/store-postgres';
import { canonicalRows } from '@tapline/testkit/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './helpers/test-database.js';
import { variedTraffic } from './support/varied-traffic.js';

interface Side {
  store: InventoryStore;
  queries: InventoryQueries;
}

/** Feeds the log in steps, each by an engine resumed from the store that loads what it needs. */
async function feed(store: InventoryStore, traffic: LoggedRecord[]): Promise<void> {
  for (let i = 0; i < traffic.length; i += 40) {
    const step = traffic.slice(i, i + 40);
    const engine = InventoryEngine.resume({}, await store.checkpoint());
    const plan = engine.planLoads(step, 1000);
    expect(plan.records).toBe(step.length);
    engine.admit(await store.loadCollections(plan.collectionIds));
    engine.apply(step);
    await store.commit(engine.takeChanges());
  }
}

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dataDir: string;
let sqlite: Side;
let postgres: Side;

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'tapline-compare-'));
  const settings = { dataDir, sync: 'normal' as const };
  sqlite = {
    store: await sqliteStorage.factories.inventoryStore(settings),
    queries: await sqliteStorage.factories.inventoryQueries(settings),
  };
  postgres = {
    store: await PostgresInventoryStore.open({ url: database.url, maxConnections: 2 }),
    queries: await PostgresInventoryQueries.open({ url: database.url, maxConnections: 2 }),
  };
  const traffic = variedTraffic(400);
  await feed(sqlite.store, traffic);
  await feed(postgres.store, traffic);
});

afterAll(async () => {
  for (const side of [sqlite, postgres]) {
    await side?.queries.close();
    await side?.store.close();
  }
  rmSync(dataDir, { recursive: true, force: true });
  await database.drop();
});

/** Equal values, and the same JSON text (so key order, e.g. of tags and sample headers, is kept too). */
function same(pg: unknown, lite: unknown): void {
  expect(pg).toStrictEqual(lite);
  expect(JSON.stringify(pg)).toBe(JSON.stringify(lite));
}

const T0 = 1_795_515_302;
const ALL = { page: 1, pageSize: 500 };

function filters(): Omit<EndpointFilter, 'page' | 'pageSize'>[] {
  const list: Omit<EndpointFilter, 'page' | 'pageSize'>[] = [{}];
  for (const search of [
    '',
    'USERS',
    'über',
    'ÜBER',
    'straße',
    'CAF',
    '%',
    '_',
    '/graphql/',
    'string',
    'zz-none',
  ])
    list.push({ search });
  for (const method of ['GET', 'post', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) list.push({ method });
  for (const sensitive of [...SENSITIVE_CLASSES, 'ANY' as const]) list.push({ sensitive });
  for (const auth of AUTH_TYPES) list.push({ auth });
  for (const hours of [0, 20, 55, 110, 200]) list.push({ firstSeenAfter: (T0 + hours * 3600) * 1000 + 500 });
  for (const sort of ENDPOINT_SORT_KEYS)
    for (const order of [undefined, ...SORT_ORDERS])
      list.push(order === undefined ? { sort } : { sort, order });
  list.push({ search: 'e', method: 'GET', sensitive: 'ANY' });
  list.push({ sort: 'p95Ms', order: 'asc', auth: 'BEARER' });
  list.push({ auth: 'BEARER', firstSeenAfter: (T0 + 30 * 3600) * 1000 });
  return list;
}

describe('the same traffic in SQLite and PostgreSQL', () => {
  it('is varied enough to mean something', async () => {
    const { collections } = await sqlite.queries.listCollections(ALL);
    expect(collections.map((c) => c.name).sort()).toEqual([
      'abc123.execute-api.eu-west-1.amazonaws.com#dev',
      'abc123.execute-api.eu-west-1.amazonaws.com#prod',
      'api.appsync.example.com',
      'shop.example.com',
      'teams.internal.example',
      'unicode.example.com',
      'vxlan-100',
      'vxlan-101',
    ]);
    const snapshot = await sqlite.store.loadSnapshot();
    expect(snapshot.endpoints.some((e) => e.graphql !== undefined)).toBe(true);
    expect(new Set(snapshot.endpoints.flatMap((e) => e.sensitive)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(snapshot.endpoints.flatMap((e) => e.authTypes)).size).toBeGreaterThanOrEqual(4);
    expect(snapshot.endpoints.some((e) => e.path.includes('STRING'))).toBe(true); // siblings merged
    expect(snapshot.endpoints.some((e) => e.declaredRoute === true)).toBe(true);
    expect(snapshot.performance.endpoints.length).toBeGreaterThan(snapshot.endpoints.length / 2);
    expect(snapshot.performance.functions.some((f) => f.functions.length > 1)).toBe(true);
    expect(await postgres.store.checkpoint()).toBe(450);
    expect(await postgres.store.endpointCount()).toBe(await sqlite.store.endpointCount());
  });

  it('lists the same collections, with and without tag filters', async () => {
    same(await postgres.queries.listCollections(ALL), await sqlite.queries.listCollections(ALL));
    for (const tags of [
      [{ key: 'stage', value: 'prod' }],
      [{ key: 'apiId', value: 'abc123' }],
      [
        { key: 'apiId', value: 'abc123' },
        { key: 'stage', value: 'dev' },
      ],
      [{ key: 'stage', value: '%' }],
      [{ key: 'service', value: 'lambda' }],
      [],
    ])
      same(
        await postgres.queries.listCollections({ ...ALL, tags }),
        await sqlite.queries.listCollections({ ...ALL, tags }),
      );
  });

  it('sorts, searches and pages the collections the same', async () => {
    for (const sort of COLLECTION_SORT_KEYS)
      for (const order of SORT_ORDERS)
        for (const page of [1, 2, 3, 4]) {
          const filter = { sort, order, page, pageSize: 3 };
          same(await postgres.queries.listCollections(filter), await sqlite.queries.listCollections(filter));
        }
    for (const search of ['EXAMPLE', 'stage=', 'vxlan', 'ü', 'É', '#', '%', 'service=lambda', 'nothing'])
      same(
        await postgres.queries.listCollections({ ...ALL, search }),
        await sqlite.queries.listCollections({ ...ALL, search }),
      );
    for (const collection of (await sqlite.queries.listCollections(ALL)).collections)
      same(
        await postgres.queries.getCollection(collection.id),
        await sqlite.queries.getCollection(collection.id),
      );
  });

  it('lists the same endpoints for every filter and page', async () => {
    let compared = 0;
    for (const collection of (await sqlite.queries.listCollections(ALL)).collections) {
      for (const filter of filters()) {
        const first = await sqlite.queries.listEndpoints(collection.id, { ...filter, page: 1, pageSize: 7 });
        const pages = Math.ceil((first?.total ?? 0) / 7) + 1; // and the empty page past the end
        for (let page = 1; page <= pages; page += 1) {
          const query = { ...filter, page, pageSize: 7 };
          same(
            await postgres.queries.listEndpoints(collection.id, query),
            await sqlite.queries.listEndpoints(collection.id, query),
          );
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(300);
    same(
      await postgres.queries.listEndpoints('no-such-collection', { page: 1, pageSize: 7 }),
      await sqlite.queries.listEndpoints('no-such-collection', { page: 1, pageSize: 7 }),
    );
  });

  it('answers every endpoint and every OpenAPI source the same', async () => {
    for (const collection of (await sqlite.queries.listCollections(ALL)).collections) {
      const all = await sqlite.queries.listEndpoints(collection.id, { page: 1, pageSize: 10_000 });
      for (const endpoint of all?.endpoints ?? [])
        same(await postgres.queries.getEndpoint(endpoint.id), await sqlite.queries.getEndpoint(endpoint.id));
      const pg = await postgres.queries.collectionForOpenApi(collection.id);
      const lite = await sqlite.queries.collectionForOpenApi(collection.id);
      same(pg, lite);
      if (pg === undefined || lite === undefined) throw new Error(`no OpenAPI source for ${collection.id}`);
      same(buildOpenApiDocument(pg), buildOpenApiDocument(lite));
    }
    same(await postgres.queries.getEndpoint('no-such-endpoint'), undefined);
    same(await postgres.queries.collectionForOpenApi('no-such-collection'), undefined);
  });

  it('holds the same rows', async () => {
    // A snapshot's rows come in no particular order.
    const [pg, lite] = [await postgres.store.loadSnapshot(), await sqlite.store.loadSnapshot()];
    same(pg.checkpoint, lite.checkpoint);
    same(canonicalRows(pg), canonicalRows(lite));
  });
});
