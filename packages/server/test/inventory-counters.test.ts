import path from 'node:path';
import {
  type CollectionRow,
  type EndpointRow,
  emptyPerformanceRows,
  type InventoryChanges,
  type ParameterRow,
} from '@tapline/inventory';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { INVENTORY_DB_FILE, openDatabase } from '../src/sqlite/open-database.js';
import { storage } from '../src/sqlite/sqlite-storage.js';
import type { InventoryStore } from '../src/store/inventory-store.js';
import { makeTempDir } from './support/temp-dir.js';

const collection = (id: string, calls = 0, values = 0): CollectionRow => ({
  id,
  name: `${id}.example.com`,
  host: `${id}.example.com`,
  tags: {},
  firstSeen: 100,
  lastSeen: 200,
  callsOverEndpointCap: calls,
  valuesOverParameterCap: values,
});

const endpoint = (id: string, collectionId: string, calls = 1): EndpointRow => ({
  id,
  collectionId,
  method: 'GET',
  path: `/${id}`,
  authTypes: [],
  sensitive: [],
  statusCodes: [200],
  calls,
  firstSeen: 100,
  lastSeen: 200,
});

function changes(checkpoint: number, overrides: Partial<InventoryChanges>): InventoryChanges {
  return {
    checkpoint,
    collections: [],
    endpoints: [],
    parameters: [],
    hourly: [],
    samples: [],
    performance: emptyPerformanceRows(),
    removedEndpointIds: [],
    filtered: 0,
    processed: 0,
    endpointsCreated: 0,
    overCap: { calls: 0, values: 0, reached: [] },
    ...overrides,
  };
}

/** The totals counted from the rows themselves, to compare the store's kept counters with. */
function countedFromRows(dir: string): { endpoints: number; calls: number; values: number } {
  const db = new Database(path.join(dir, INVENTORY_DB_FILE), { readonly: true });
  try {
    return db
      .prepare(`SELECT (SELECT count(*) FROM endpoints) AS endpoints,
        (SELECT coalesce(sum(calls_over_endpoint_cap), 0) FROM collections) AS calls,
        (SELECT coalesce(sum(values_over_parameter_cap), 0) FROM collections) AS "values"`)
      .get() as { endpoints: number; calls: number; values: number };
  } finally {
    db.close();
  }
}

/** Per collection: endpoints, sensitive parameters and auth types counted from the rows (the scans the kept counts replace). */
function collectionsFromRows(dir: string) {
  const db = new Database(path.join(dir, INVENTORY_DB_FILE), { readonly: true });
  try {
    const endpoints = db
      .prepare('SELECT collection_id AS id, count(*) AS n FROM endpoints GROUP BY collection_id')
      .all() as { id: string; n: number }[];
    const sensitive = db
      .prepare(`SELECT e.collection_id AS id, sum(p.sensitive_count) AS n FROM endpoint_parameters p
        JOIN endpoints e ON e.id = p.endpoint_id WHERE p.sensitive_count > 0 GROUP BY e.collection_id`)
      .all() as { id: string; n: number }[];
    const auth = db
      .prepare(`SELECT DISTINCT e.collection_id AS id, j.value AS auth FROM endpoints e, json_each(e.auth_types) j
        ORDER BY j.value`)
      .all() as { id: string; auth: string }[];
    const ids = db.prepare('SELECT id FROM collections ORDER BY name').pluck().all() as string[];
    return ids.map((id) => ({
      id,
      endpoints: endpoints.find((row) => row.id === id)?.n ?? 0,
      sensitiveParams: sensitive.find((row) => row.id === id)?.n ?? 0,
      authTypes: auth.filter((row) => row.id === id).map((row) => row.auth),
    }));
  } finally {
    db.close();
  }
}

const parameters = (endpointId: string, sensitive: number): ParameterRow[] =>
  Array.from({ length: 3 }, (_, i) => ({
    id: `${endpointId}-p${i}`,
    endpointId,
    location: 'request',
    status: null,
    in: 'query',
    name: `q${i}`,
    types: ['STRING'],
    sensitive: i < sensitive ? ['EMAIL'] : [],
    firstSeen: 100,
    lastSeen: 200,
    count: 1,
    examples: [],
  }));

async function kept(store: InventoryStore) {
  const totals = await store.overCapTotals();
  return { endpoints: await store.endpointCount(), calls: totals.calls, values: totals.values };
}

/** Makes a data directory look as it did before the kept counts: the triggers named like `pattern` gone. */
function dropTriggers(db: Database.Database, pattern: string): void {
  const names = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ?")
    .pluck()
    .all(pattern) as string[];
  for (const name of names) db.exec(`DROP TRIGGER ${name}`);
}

describe('inventory counters kept in meta', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const openStore = async (dir: string) => {
    const store = await storage.inventoryStore({ dataDir: dir, sync: 'full' });
    cleanups.push(() => store.close());
    return store;
  };

  it('stay equal to the rows across inserts, updates, removals, a failed commit and a restart', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const store = await openStore(temp.dir);
    await store.commit(
      changes(1, {
        collections: [collection('c1', 3, 0)],
        endpoints: [endpoint('e1', 'c1'), endpoint('e2', 'c1'), endpoint('e3', 'c1')],
      }),
    );
    expect(await kept(store)).toEqual({ endpoints: 3, calls: 3, values: 0 });
    // Updates of known rows (the upsert's update path) change no count; caps only move by their change.
    await store.commit(
      changes(2, {
        collections: [collection('c1', 5, 2), collection('c2', 0, 1)],
        endpoints: [endpoint('e1', 'c1', 7), endpoint('e2', 'c1', 7), endpoint('e4', 'c2')],
        removedEndpointIds: ['e3'],
      }),
    );
    expect(await kept(store)).toEqual({ endpoints: 3, calls: 5, values: 3 });
    expect(await kept(store)).toEqual(countedFromRows(temp.dir));
    // A commit that fails part-way is rolled back with its counter changes.
    const broken = { ...endpoint('e5', 'c2'), path: null as unknown as string };
    await expect(
      store.commit(
        changes(3, { collections: [collection('c2', 9, 9)], endpoints: [endpoint('e6', 'c2'), broken] }),
      ),
    ).rejects.toThrow();
    expect(await kept(store)).toEqual({ endpoints: 3, calls: 5, values: 3 });
    // Removing an endpoint the store does not have changes nothing.
    await store.commit(changes(4, { removedEndpointIds: ['e3', 'nope'] }));
    // A write that replaces a row (INSERT OR REPLACE) on the store's connections counts it once.
    const opened = openDatabase(temp.dir, INVENTORY_DB_FILE, 'full');
    opened.sqlite
      .prepare('INSERT OR REPLACE INTO endpoints VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run('e1', 'c1', 'GET', '/e1', '[]', '[]', '[200]', 8, 100, 200, null, 0);
    await opened.close();
    expect(await kept(store)).toEqual({ endpoints: 3, calls: 5, values: 3 });
    const reopened = await openStore(temp.dir);
    expect(await kept(reopened)).toEqual({ endpoints: 3, calls: 5, values: 3 });
    expect(await kept(reopened)).toEqual(countedFromRows(temp.dir));
  });

  it('are counted once from the rows of a data directory written before them, then kept', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const first = await openStore(temp.dir);
    await first.commit(
      changes(1, {
        collections: [collection('c1', 2, 1)],
        endpoints: [endpoint('e1', 'c1'), endpoint('e2', 'c1')],
      }),
    );
    await first.close();
    // What a data directory looks like before the counters: no triggers, no counter rows.
    const old = new Database(path.join(temp.dir, INVENTORY_DB_FILE));
    dropTriggers(old, '%');
    old.exec("DELETE FROM meta WHERE key != 'checkpoint'");
    old
      .prepare('INSERT INTO endpoints VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run('e0', 'c1', 'GET', '/old', '[]', '[]', '[200]', 1, 100, 100, null, 0);
    old.close();
    const store = await openStore(temp.dir);
    expect(await kept(store)).toEqual({ endpoints: 3, calls: 2, values: 1 });
    await store.commit(
      changes(2, { collections: [collection('c1', 4, 1)], endpoints: [endpoint('e9', 'c1')] }),
    );
    expect(await kept(store)).toEqual({ endpoints: 4, calls: 4, values: 1 });
    expect(await kept(store)).toEqual(countedFromRows(temp.dir));
  });

  it("keep each collection's endpoints, sensitive parameters and auth types equal to the rows", async () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const store = await openStore(temp.dir);
    const queries = await storage.inventoryQueries({ dataDir: temp.dir, sync: 'full' });
    cleanups.push(() => queries.close());
    const listed = async () =>
      (await queries.listCollections({ page: 1, pageSize: 500 })).collections.map(
        ({ id, endpoints, sensitiveParams, authTypes }) => ({
          id,
          endpoints,
          sensitiveParams,
          authTypes,
        }),
      );
    const withAuth = (row: EndpointRow, authTypes: EndpointRow['authTypes']) => ({ ...row, authTypes });
    await store.commit(
      changes(1, {
        collections: [collection('c1'), collection('c2')],
        endpoints: [
          withAuth(endpoint('e1', 'c1'), ['BEARER']),
          withAuth(endpoint('e2', 'c1'), ['API_KEY', 'BEARER']),
          withAuth(endpoint('e3', 'c2'), []),
        ],
        parameters: [...parameters('e1', 1), ...parameters('e2', 2), ...parameters('e3', 0)],
      }),
    );
    expect(await listed()).toEqual([
      { id: 'c1', endpoints: 2, sensitiveParams: 3, authTypes: ['API_KEY', 'BEARER'] },
      { id: 'c2', endpoints: 1, sensitiveParams: 0, authTypes: [] },
    ]);
    // Auth types and sensitive counts change, an endpoint goes with its parameters, another comes.
    await store.commit(
      changes(2, {
        endpoints: [withAuth(endpoint('e2', 'c1'), ['API_KEY']), withAuth(endpoint('e4', 'c2'), ['BASIC'])],
        parameters: [
          { ...(parameters('e3', 1)[0] as ParameterRow) },
          ...parameters('e4', 3),
          { ...(parameters('e2', 0)[1] as ParameterRow) },
        ],
        removedEndpointIds: ['e1'],
      }),
    );
    expect(await listed()).toEqual([
      { id: 'c1', endpoints: 1, sensitiveParams: 1, authTypes: ['API_KEY'] },
      { id: 'c2', endpoints: 2, sensitiveParams: 4, authTypes: ['BASIC'] },
    ]);
    expect(await listed()).toEqual(collectionsFromRows(temp.dir));
    // Rows written by other code and in another order (parameters before their endpoint) count the same.
    const raw = new Database(path.join(temp.dir, INVENTORY_DB_FILE));
    raw.prepare('INSERT INTO endpoint_parameters VALUES (?, ?, ?)').run('e5', '[]', 2);
    raw
      .prepare('INSERT INTO endpoints VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run('e5', 'c1', 'GET', '/e5', '["BEARER","BEARER"]', '[]', '[200]', 1, 100, 100, null, 0);
    raw.prepare("UPDATE endpoints SET collection_id = 'c2' WHERE id = 'e2'").run();
    raw.close();
    expect(await listed()).toEqual(collectionsFromRows(temp.dir));
    expect((await listed())[0]).toEqual({
      id: 'c1',
      endpoints: 1,
      sensitiveParams: 2,
      authTypes: ['BEARER'],
    });
  });

  it('are counted per collection once from the rows of a data directory written before them', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const first = await openStore(temp.dir);
    await first.commit(
      changes(1, {
        collections: [collection('c1'), collection('c2')],
        endpoints: [
          { ...endpoint('e1', 'c1'), authTypes: ['BEARER'] },
          { ...endpoint('e2', 'c2'), authTypes: ['API_KEY', 'BEARER'] },
        ],
        parameters: [...parameters('e1', 2), ...parameters('e2', 1)],
      }),
    );
    await first.close();
    const old = new Database(path.join(temp.dir, INVENTORY_DB_FILE));
    dropTriggers(old, 'collection_counts_%');
    old.exec('DROP TABLE collection_counts; DROP TABLE collection_auth_types');
    old.close();
    const reopened = await openStore(temp.dir);
    await reopened.commit(changes(2, { endpoints: [{ ...endpoint('e3', 'c1'), authTypes: ['BASIC'] }] }));
    const queries = await storage.inventoryQueries({ dataDir: temp.dir, sync: 'full' });
    cleanups.push(() => queries.close());
    const listed = (await queries.listCollections({ page: 1, pageSize: 500 })).collections.map(
      ({ id, endpoints, sensitiveParams, authTypes }) => ({
        id,
        endpoints,
        sensitiveParams,
        authTypes,
      }),
    );
    expect(listed).toEqual([
      { id: 'c1', endpoints: 2, sensitiveParams: 2, authTypes: ['BASIC', 'BEARER'] },
      { id: 'c2', endpoints: 1, sensitiveParams: 1, authTypes: ['API_KEY', 'BEARER'] },
    ]);
    expect(listed).toEqual(collectionsFromRows(temp.dir));
  });
});
