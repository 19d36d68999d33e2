/** U+0000 in traffic (a path, a header or body key, a value) must not make a commit fail forever. */
import { collectionIdOf, InventoryEngine } from '@tapline/inventory';
import { PostgresInventoryStore } from '@tapline/store-postgres';
import { trafficRecord } from '@tapline/testkit';
import { afterEach, expect, it } from 'vitest';
import { createTestDatabase } from './helpers/test-database.js';

let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
afterEach(async () => {
  await database?.drop();
  database = undefined;
});

it('stores U+0000, which PostgreSQL text cannot hold, as U+FFFD', async () => {
  database = await createTestDatabase();
  const store = await PostgresInventoryStore.open({ url: database.url, maxConnections: 1 });
  try {
    const record = trafficRecord({
      path: '/a\u0000b',
      requestHeaders: { host: 'nul.example.com', 'x-h\u0000': 'v\u0000' },
      responsePayload: JSON.stringify({ 'k\u0000': 'v\u0000', note: 'a \\u0000 that is text' }),
    });
    const engine = new InventoryEngine();
    engine.apply([{ seq: 1, record }]);
    await store.commit(engine.takeChanges());
    const loaded = await store.loadCollections([collectionIdOf('nul.example.com')]);
    expect(loaded.endpoints.map((e) => e.path)).toEqual(['/a\ufffdb']);
    const names = loaded.parameters.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['x-h\ufffd', 'k\ufffd']));
    // No U+0000 left anywhere (in JSON, an escape not preceded by an escaped backslash).
    expect(JSON.stringify(loaded)).not.toMatch(/(?<!\\)(?:\\\\)*\\u0000/);
    // The six characters `\u0000` in a value are text, kept as they are.
    expect(loaded.parameters.find((p) => p.name === 'note')?.examples).toEqual(['a \\u0000 that is text']);
    expect(await store.checkpoint()).toBe(1);
  } finally {
    await store.close();
  }
});
