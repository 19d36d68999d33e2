import path from 'node:path';
import {
  type EndpointRow,
  emptyPerformanceRows,
  type InventoryChanges,
  type ParameterRow,
} from '@tapline/inventory';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { INVENTORY_DB_FILE } from '../src/sqlite/open-database.js';
import { storage } from '../src/sqlite/sqlite-storage.js';
import { makeTempDir } from './support/temp-dir.js';

function changes(overrides: Partial<InventoryChanges> = {}): InventoryChanges {
  return {
    checkpoint: 5,
    collections: [
      {
        id: 'c1',
        name: 'shop.example.com',
        host: 'shop.example.com',
        tags: { service: 'lambda' },
        firstSeen: 100,
        lastSeen: 200,
        callsOverEndpointCap: 0,
        valuesOverParameterCap: 0,
      },
    ],
    endpoints: [
      {
        id: 'e1',
        collectionId: 'c1',
        method: 'GET',
        path: '/orders/INTEGER',
        authTypes: ['BEARER'],
        sensitive: ['EMAIL'],
        statusCodes: [200],
        calls: 4,
        firstSeen: 100,
        lastSeen: 200,
      },
      {
        id: 'e2',
        collectionId: 'c1',
        method: 'POST',
        path: '/graphql/mutation/createOrder',
        authTypes: ['API_KEY'],
        sensitive: [],
        statusCodes: [200],
        calls: 1,
        firstSeen: 150,
        lastSeen: 150,
        graphql: { operationType: 'mutation', field: 'createOrder' },
      },
    ],
    parameters: [
      {
        id: 'p1',
        endpointId: 'e1',
        location: 'response',
        status: 200,
        in: 'body',
        name: 'customer#email',
        types: ['EMAIL'],
        sensitive: ['EMAIL'],
        firstSeen: 100,
        lastSeen: 200,
        count: 4,
        examples: ['****'],
      },
      {
        id: 'p2',
        endpointId: 'e1',
        location: 'request',
        status: null,
        in: 'path',
        name: 'orders',
        types: ['INTEGER_32'],
        sensitive: [],
        firstSeen: 100,
        lastSeen: 200,
        count: 4,
        examples: ['17'],
      },
    ],
    hourly: [{ endpointId: 'e1', hour: 0, calls: 4 }],
    samples: [
      {
        endpointId: 'e1',
        samples: [
          {
            endpointId: 'e1',
            seq: 4,
            time: 200,
            request: { method: 'GET', path: '/orders/17', headers: {}, body: '', ip: '1.2.3.4' },
            response: { statusCode: 200, headers: {}, body: '{}' },
          },
        ],
      },
    ],
    performance: emptyPerformanceRows(),
    removedEndpointIds: [],
    filtered: 0,
    processed: 5,
    endpointsCreated: 2,
    overCap: { calls: 0, values: 0, reached: [] },
    ...overrides,
  };
}

describe('SqliteInventoryStore and SqliteInventoryQueries', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function open() {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const store = await storage.inventoryStore({ dataDir: temp.dir, sync: 'full' });
    cleanups.push(() => store.close());
    const queries = await storage.inventoryQueries({ dataDir: temp.dir, sync: 'full' });
    cleanups.push(() => queries.close());
    return { store, queries, dir: temp.dir };
  }

  it('commits changes with the checkpoint and loads them back as a snapshot', async () => {
    const { store, dir } = await open();
    expect(await store.checkpoint()).toBe(0);
    await store.commit(changes());
    const reopened = await storage.inventoryStore({ dataDir: dir, sync: 'full' });
    cleanups.push(() => reopened.close());
    const snapshot = await reopened.loadSnapshot();
    expect(snapshot.checkpoint).toBe(5);
    expect(snapshot.collections).toEqual(changes().collections);
    expect(snapshot.endpoints.sort((a, b) => a.id.localeCompare(b.id))).toEqual(changes().endpoints);
    expect(snapshot.parameters.sort((a, b) => a.id.localeCompare(b.id))).toEqual(changes().parameters);
    expect(snapshot.samples).toEqual(changes().samples[0]?.samples);
    expect(snapshot.hourly).toEqual(changes().hourly);
  });

  it('adds the declared-route column to a data directory written before it; old rows read as not declared', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const old = new Database(path.join(temp.dir, INVENTORY_DB_FILE));
    old.exec(`CREATE TABLE endpoints (
      id TEXT PRIMARY KEY, collection_id TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL,
      auth_types TEXT NOT NULL, sensitive TEXT NOT NULL, status_codes TEXT NOT NULL, calls INTEGER NOT NULL,
      first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, graphql TEXT)`);
    old
      .prepare('INSERT INTO endpoints VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run('e0', 'c1', 'GET', '/status', '[]', '[]', '[200]', 1, 100, 100, null);
    old.close();
    const store = await storage.inventoryStore({ dataDir: temp.dir, sync: 'full' });
    cleanups.push(() => store.close());
    const declared = {
      ...(changes().endpoints[0] as EndpointRow),
      id: 'e9',
      path: '/health',
      declaredRoute: true as const,
    };
    await store.commit(changes({ endpoints: [declared] }));
    const rows = (await store.loadSnapshot()).endpoints.map((e) => [e.id, e.declaredRoute]);
    expect(rows.sort()).toEqual([
      ['e0', undefined],
      ['e9', true],
    ]);
  });

  it('upserts rows, replaces sample lists and deletes removed endpoints with what hangs off them', async () => {
    const { store } = await open();
    await store.commit(changes());
    const base = changes();
    await store.commit(
      changes({
        checkpoint: 9,
        collections: [],
        endpoints: [{ ...base.endpoints[0]!, calls: 9 }],
        parameters: [],
        hourly: [{ endpointId: 'e1', hour: 0, calls: 9 }],
        samples: [{ endpointId: 'e1', samples: [] }],
        removedEndpointIds: ['e2'],
      }),
    );
    const snapshot = await store.loadSnapshot();
    expect(snapshot.checkpoint).toBe(9);
    expect(snapshot.endpoints.map((row) => [row.id, row.calls])).toEqual([['e1', 9]]);
    expect(snapshot.hourly).toEqual([{ endpointId: 'e1', hour: 0, calls: 9 }]);
    expect(snapshot.samples).toEqual([]);
    expect(await store.endpointCount()).toBe(1);
  });

  it('merges changed parameters into the ones stored for their endpoint', async () => {
    const { store, queries } = await open();
    await store.commit(changes());
    const [p1, p2] = changes().parameters as [ParameterRow, ParameterRow];
    const p3: ParameterRow = { ...p2, id: 'p3', name: 'token', sensitive: ['SECRET'] };
    await store.commit(
      changes({ checkpoint: 9, collections: [], endpoints: [], parameters: [{ ...p1, count: 7 }, p3] }),
    );
    const stored = (await store.loadSnapshot()).parameters.sort((a, b) => a.id.localeCompare(b.id));
    expect(stored).toEqual([{ ...p1, count: 7 }, p2, p3]);
    expect((await queries.listCollections({ page: 1, pageSize: 500 })).collections[0]?.sensitiveParams).toBe(
      2,
    );
  });

  it('writes the parameters of an endpoint listed as complete as given, without merging the stored ones', async () => {
    const { store, queries } = await open();
    await store.commit(changes());
    const [p1] = changes().parameters as [ParameterRow, ParameterRow];
    const p3: ParameterRow = { ...p1, id: 'p3', name: 'token', sensitive: ['SECRET'] };
    await store.commit(
      changes({
        checkpoint: 9,
        collections: [],
        endpoints: [],
        parameters: [{ ...p1, count: 8 }, p3],
        completeParameters: ['e1'],
      }),
    );
    // p2 is gone: the list was declared to be every parameter e1 has.
    const stored = (await store.loadSnapshot()).parameters.sort((a, b) => a.id.localeCompare(b.id));
    expect(stored).toEqual([{ ...p1, count: 8 }, p3]);
    expect((await queries.listCollections({ page: 1, pageSize: 500 })).collections[0]?.sensitiveParams).toBe(
      2,
    );
  });

  it('folds the per-parameter rows of an older data directory into one row per endpoint', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const legacy = new Database(path.join(temp.dir, INVENTORY_DB_FILE));
    legacy.exec(`CREATE TABLE parameters (
      id TEXT PRIMARY KEY, endpoint_id TEXT NOT NULL, location TEXT NOT NULL, status INTEGER, in_ TEXT NOT NULL,
      name TEXT NOT NULL, types TEXT NOT NULL, sensitive TEXT NOT NULL, first_seen INTEGER NOT NULL,
      last_seen INTEGER NOT NULL, count INTEGER NOT NULL, examples TEXT NOT NULL)`);
    const insert = legacy.prepare('INSERT INTO parameters VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const p of changes().parameters) {
      insert.run(
        p.id,
        p.endpointId,
        p.location,
        p.status,
        p.in,
        p.name,
        JSON.stringify(p.types),
        JSON.stringify(p.sensitive),
        p.firstSeen,
        p.lastSeen,
        p.count,
        JSON.stringify(p.examples),
      );
    }
    legacy.close();
    const store = await storage.inventoryStore({ dataDir: temp.dir, sync: 'full' });
    cleanups.push(() => store.close());
    await store.commit(changes({ parameters: [] }));
    const snapshot = await store.loadSnapshot();
    expect(snapshot.parameters.sort((a, b) => a.id.localeCompare(b.id))).toEqual(changes().parameters);
    const queries = await storage.inventoryQueries({ dataDir: temp.dir, sync: 'full' });
    cleanups.push(() => queries.close());
    expect((await queries.getEndpoint('e1'))?.parameters.map((p) => p.id)).toEqual(['p2', 'p1']);
    expect((await queries.listCollections({ page: 1, pageSize: 500 })).collections[0]?.sensitiveParams).toBe(
      1,
    );
  });

  it('answers the query API shapes with filters and pagination', async () => {
    const { store, queries } = await open();
    await store.commit(changes());
    const {
      collections: [collection],
    } = await queries.listCollections({ page: 1, pageSize: 500 });
    expect(collection).toMatchObject({
      id: 'c1',
      endpoints: 2,
      sensitiveParams: 1,
      authTypes: ['API_KEY', 'BEARER'],
    });
    const page = { page: 1, pageSize: 50 };
    expect((await queries.listEndpoints('c1', page))?.total).toBe(2);
    expect(
      (await queries.listEndpoints('c1', { ...page, search: 'ORDERS/int' }))?.endpoints.map((e) => e.id),
    ).toEqual(['e1']);
    expect(
      (await queries.listEndpoints('c1', { ...page, method: 'post' }))?.endpoints.map((e) => e.id),
    ).toEqual(['e2']);
    expect(
      (await queries.listEndpoints('c1', { ...page, sensitive: 'EMAIL' }))?.endpoints.map((e) => e.id),
    ).toEqual(['e1']);
    expect(
      (await queries.listEndpoints('c1', { ...page, auth: 'API_KEY' }))?.endpoints.map((e) => e.id),
    ).toEqual(['e2']);
    const second = await queries.listEndpoints('c1', { page: 2, pageSize: 1 });
    expect(second?.total).toBe(2);
    expect(second?.endpoints).toHaveLength(1);
    expect(await queries.listEndpoints('nope', page)).toBeUndefined();
    const detail = await queries.getEndpoint('e1');
    expect(detail?.parameters.map((p) => p.id)).toEqual(['p2', 'p1']);
    expect(detail?.samples).toHaveLength(1);
    expect(await queries.getEndpoint('nope')).toBeUndefined();
    const openapi = await queries.collectionForOpenApi('c1');
    expect(openapi?.endpoints).toHaveLength(2);
    expect(openapi?.parameters).toHaveLength(2);
  });
});
