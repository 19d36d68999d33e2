import { collectionIdOf, endpointIdOf, InventoryEngine } from '@tapline/inventory';
import type { InventoryQueries, InventoryStore } from '@tapline/server';
import { afterEach, describe, expect, it } from 'vitest';
import { trafficRecord } from '../traffic-records.js';
import type { FreshStorage, StorageUnderTest } from './storage-under-test.js';

export interface QueriesUnderTest {
  store: InventoryStore;
  queries: InventoryQueries;
}

const T0 = 1_795_515_302;
const HOST = 'shop.contract.test';
const OTHER = 'other.contract.test';

/** 30 endpoints `/r<i>/items` (a POST every third), some with an email, some with an API key. */
function traffic() {
  const records = Array.from({ length: 30 }, (_, i) =>
    trafficRecord({
      method: i % 3 === 0 ? 'POST' : 'GET',
      path: `/r${String(i).padStart(2, '0')}/items`,
      requestHeaders: i % 5 === 0 ? { host: HOST, 'x-api-key': 'k-1' } : { host: HOST },
      // A field of its own per endpoint, so the siblings are not similar enough to merge into a template.
      responsePayload: JSON.stringify(
        i % 4 === 0 ? { [`f${i}`]: 1, email: `u${i}@example.com` } : { [`f${i}`]: 1 },
      ),
      time: T0 + i * 3600,
    }),
  );
  records.push(trafficRecord({ path: '/ping', requestHeaders: { host: OTHER }, time: T0 }));
  return records.map((record, i) => ({ seq: i + 1, record }));
}

/** What every InventoryQueries implementation must answer, over rows committed by its store. */
export function inventoryQueriesContract(name: string, fresh: FreshStorage<QueriesUnderTest>): void {
  describe(`InventoryQueries contract: ${name}`, () => {
    const opened: { storage: StorageUnderTest<QueriesUnderTest>; parts: QueriesUnderTest[] }[] = [];
    afterEach(async () => {
      for (const { storage, parts } of opened.splice(0)) {
        for (const part of parts) {
          await part.queries.close().catch(() => {});
          await part.store.close().catch(() => {});
        }
        await storage.destroy();
      }
    });
    const seeded = async () => {
      const storage = await fresh();
      const part = await storage.open();
      opened.push({ storage, parts: [part] });
      const engine = new InventoryEngine();
      engine.apply(traffic());
      await part.store.commit(engine.takeChanges());
      return part.queries;
    };
    const shop = collectionIdOf(HOST);
    const page = (over: object = {}) => ({ page: 1, pageSize: 50, ...over });

    it('lists collections with their endpoint, sensitive-parameter and auth summaries', async () => {
      const queries = await seeded();
      const listed = await queries.listCollections();
      expect(listed.map((c) => c.name).sort()).toEqual([OTHER, HOST].sort());
      const c = listed.find((x) => x.id === shop);
      // 8 endpoints with an email, 6 with an API key (a secret by name).
      expect(c).toMatchObject({ endpoints: 30, sensitiveParams: 14, callsOverEndpointCap: 0 });
      expect(c?.authTypes).toEqual(['API_KEY', 'UNAUTHENTICATED']);
    });

    it('filters collections by tags, all of them matching', async () => {
      const storage = await fresh();
      const part = await storage.open();
      opened.push({ storage, parts: [part] });
      const api = 'abc123.execute-api.eu-west-1.amazonaws.com';
      const stage = (apiStage: string, apiId = 'abc123') =>
        trafficRecord({ requestHeaders: { host: api }, apiStage, apiId, path: '/users' });
      const engine = new InventoryEngine();
      engine.apply(
        [stage('prod'), stage('dev'), trafficRecord({ requestHeaders: { host: OTHER } })].map(
          (record, i) => ({
            seq: i + 1,
            record,
          }),
        ),
      );
      await part.store.commit(engine.takeChanges());
      const names = async (tags: { key: string; value: string }[]) =>
        (await part.queries.listCollections({ tags })).map((c) => c.name);
      expect(await names([{ key: 'stage', value: 'prod' }])).toEqual([`${api}#prod`]);
      expect(
        await names([
          { key: 'apiId', value: 'abc123' },
          { key: 'stage', value: 'dev' },
        ]),
      ).toEqual([`${api}#dev`]);
      expect(await names([{ key: 'apiId', value: 'abc123' }])).toEqual([`${api}#dev`, `${api}#prod`]);
      expect(await names([{ key: 'stage', value: 'qa' }])).toEqual([]);
      expect(await names([])).toEqual([`${api}#dev`, `${api}#prod`, OTHER]);
      // Key and value are compared exactly: neither is a pattern.
      expect(await names([{ key: 'stage', value: '%' }])).toEqual([]);
    });

    it('pages endpoints ordered by path then method, with the total over all pages', async () => {
      const queries = await seeded();
      const first = await queries.listEndpoints(shop, page({ pageSize: 12 }));
      const third = await queries.listEndpoints(shop, page({ page: 3, pageSize: 12 }));
      expect(first?.total).toBe(30);
      expect(first?.endpoints.map((e) => e.path).slice(0, 2)).toEqual(['/r00/items', '/r01/items']);
      expect(third?.endpoints.map((e) => e.path)).toEqual(
        Array.from({ length: 6 }, (_, k) => `/r${24 + k}/items`),
      );
      expect(await queries.listEndpoints('no-such-collection', page())).toBeUndefined();
    });

    it('filters by search, method, sensitive class or any, auth and first seen', async () => {
      const queries = await seeded();
      const paths = async (over: object) =>
        (await queries.listEndpoints(shop, page(over)))?.endpoints.map((e) => e.path);
      expect(await paths({ search: 'R2' })).toEqual(Array.from({ length: 10 }, (_, k) => `/r2${k}/items`));
      expect((await paths({ method: 'post' }))?.length).toBe(10);
      expect(await paths({ sensitive: 'EMAIL' })).toEqual(
        [0, 4, 8, 12, 16, 20, 24, 28].map((i) => `/r${String(i).padStart(2, '0')}/items`),
      );
      expect(await paths({ sensitive: 'ANY' })).toEqual(await paths({ sensitive: 'EMAIL' }));
      expect(await paths({ sensitive: 'SSN' })).toEqual([]);
      expect(await paths({ auth: 'API_KEY' })).toEqual([
        '/r00/items',
        '/r05/items',
        '/r10/items',
        '/r15/items',
        '/r20/items',
        '/r25/items',
      ]);
      expect(await paths({ firstSeenAfter: (T0 + 27 * 3600) * 1000 })).toEqual(['/r28/items', '/r29/items']);
    });

    it('answers an endpoint with its parameters, samples and hourly counts; unknown ids are undefined', async () => {
      const queries = await seeded();
      const id = endpointIdOf(shop, 'POST', '/r00/items');
      const detail = await queries.getEndpoint(id);
      expect(detail?.endpoint).toMatchObject({ id, method: 'POST', calls: 1 });
      expect(detail?.parameters.map((p) => `${p.location}:${p.in}:${p.name}`)).toContain(
        'response:body:email',
      );
      expect(detail?.samples.map((s) => s.seq)).toEqual([1]);
      expect(detail?.hourly).toEqual([{ endpointId: id, hour: T0 - (T0 % 3600), calls: 1 }]);
      expect(await queries.getEndpoint('no-such-endpoint')).toBeUndefined();
      const openapi = await queries.collectionForOpenApi(shop);
      expect(openapi?.endpoints).toHaveLength(30);
      expect(await queries.collectionForOpenApi('no-such-collection')).toBeUndefined();
    });
  });
}
