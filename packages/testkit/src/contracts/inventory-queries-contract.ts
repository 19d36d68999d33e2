import { COLLECTION_SORT_KEYS } from '@tapline/contracts';
import { collectionIdOf, endpointIdOf, InventoryEngine } from '@tapline/inventory';
import type { InventoryQueries, InventoryStore } from '@tapline/server';
import { afterEach, describe, expect, it } from 'vitest';
import { trafficRecord } from '../traffic-records.js';
import { expectedOrder, FLEET, fleetTraffic } from './collection-fleet.js';
import type { FreshStorage, StorageUnderTest } from './storage-under-test.js';

export interface QueriesUnderTest {
  store: InventoryStore;
  queries: InventoryQueries;
}

const T0 = 1_795_515_302;
const HOST = 'shop.contract.test';
const OTHER = 'other.contract.test';

/** Handler time of `/r<i>/items` in the contract traffic. */
const durationOf = (i: number) => 10 * (i + 1);

/**
 * 30 endpoints `/r<i>/items` (a POST every third), some with an email, some with an API key. The first 25
 * carry performance (every sixth a function error, every fourth a cold start) and their function; two
 * more calls of `/r01/items` failed with a 500 (kept out of the inventory, counted in its performance).
 */
function traffic() {
  const records = Array.from({ length: 30 }, (_, i) =>
    trafficRecord({
      ...(i < 25
        ? {
            performance: {
              durationMs: durationOf(i),
              coldStart: i % 4 === 0,
              outcome: i % 6 === 0 ? ('function_error' as const) : ('ok' as const),
            },
            lambdaFunction: i % 2 === 1 ? { name: 'shop-fn', qualifier: 'live' } : { name: 'shop-fn' },
          }
        : {}),
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
  for (let k = 0; k < 2; k++)
    records.push(
      trafficRecord({
        path: '/r01/items',
        requestHeaders: { host: HOST },
        time: T0 + 3600 + k,
        statusCode: 500,
        performance: { durationMs: 5000, coldStart: false, outcome: 'function_error' },
        lambdaFunction: { name: 'shop-fn', qualifier: '$LATEST' },
      }),
    );
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
    const seeded = async (records = traffic()) => {
      const storage = await fresh();
      const part = await storage.open();
      opened.push({ storage, parts: [part] });
      const engine = new InventoryEngine();
      engine.apply(records);
      await part.store.commit(engine.takeChanges());
      return part.queries;
    };
    const all = { page: 1, pageSize: 500 };
    const shop = collectionIdOf(HOST);
    const page = (over: object = {}) => ({ page: 1, pageSize: 50, ...over });

    it('lists collections with their endpoint, sensitive-parameter and auth summaries', async () => {
      const queries = await seeded();
      const { collections: listed, total } = await queries.listCollections(all);
      expect(total).toBe(2);
      expect(listed.map((c) => c.name)).toEqual([OTHER, HOST]);
      const c = listed.find((x) => x.id === shop);
      // 8 endpoints with an email, 6 with an API key (a secret by name).
      expect(c).toMatchObject({ endpoints: 30, sensitiveParams: 14, callsOverEndpointCap: 0 });
      expect(c?.authTypes).toEqual(['API_KEY', 'UNAUTHENTICATED']);
      // Each invocation once: 25 + the failed calls; 5 + 2 errors; cold starts at 0, 4, ..., 24.
      // DDSketch's quantile q is the value of rank q × (n − 1), rounded down: here the 27th of 28.
      expect(c?.performance).toMatchObject({ invocations: 27, errors: 7, timeouts: 0, coldStarts: 7 });
      expect(c?.performance?.p99Ms).toBeGreaterThan(5000 * 0.99);
      expect(c?.performance?.p50Ms).toBeGreaterThan(durationOf(12) * 0.99);
      expect(c?.performance?.p50Ms).toBeLessThan(durationOf(13) * 1.01);
      expect(listed.find((x) => x.name === OTHER)?.performance).toBeNull();
      // One collection by id answers what the listing does.
      expect(await queries.getCollection(shop)).toEqual(c);
      expect(await queries.getCollection('no-such-collection')).toBeUndefined();
    });

    it('pages collections by name with the total over all pages; a page past the end is empty', async () => {
      const queries = await seeded(fleetTraffic());
      const names = async (over: object) => {
        const { collections, total } = await queries.listCollections({ ...all, ...over });
        return { names: collections.map((c) => c.name), total };
      };
      expect(await names({ pageSize: 2 })).toEqual({ names: FLEET.slice(0, 2), total: 5 });
      expect(await names({ pageSize: 2, page: 2 })).toEqual({ names: FLEET.slice(2, 4), total: 5 });
      expect(await names({ pageSize: 2, page: 3 })).toEqual({ names: FLEET.slice(4), total: 5 });
      expect(await names({ pageSize: 2, page: 4 })).toEqual({ names: [], total: 5 });
      expect(await names({ pageSize: 5 })).toEqual({ names: FLEET, total: 5 });
      expect(await names({ pageSize: 1, page: 5, order: 'desc' })).toEqual({ names: [FLEET[0]], total: 5 });
    });

    it('searches names, hosts and tags as key=value, case-insensitively, combined with tag filters', async () => {
      const queries = await seeded(fleetTraffic());
      const names = async (over: object) => {
        const { collections, total } = await queries.listCollections({ ...all, ...over });
        expect(total).toBe(collections.length);
        return collections.map((c) => c.name);
      };
      expect(await names({ search: 'FLEET.Test' })).toEqual(FLEET);
      expect(await names({ search: 'c.fleet' })).toEqual(['c.fleet.test']);
      // Across a tag's key and value, as the dashboard shows it.
      expect(await names({ search: 'M=CO' })).toEqual(['a.fleet.test', 'c.fleet.test']);
      expect(await names({ search: 'edge' })).toEqual(['e.fleet.test']);
      // A substring, not a pattern.
      expect(await names({ search: '%' })).toEqual([]);
      expect(await names({ search: '_' })).toEqual([]);
      expect(await names({ search: 'nothing' })).toEqual([]);
      expect(await names({ tags: [{ key: 'team', value: 'core' }], search: 'c.' })).toEqual(['c.fleet.test']);
      expect(await names({ tags: [{ key: 'service', value: 'lambda' }], search: 'core' })).toEqual([
        'a.fleet.test',
        'c.fleet.test',
      ]);
      expect(await names({ tags: [{ key: 'team', value: 'edge' }], search: 'a.' })).toEqual([]);
      const paged = await queries.listCollections({ search: 'fleet', page: 2, pageSize: 3 });
      expect({ names: paged.collections.map((c) => c.name), total: paged.total }).toEqual({
        names: FLEET.slice(3),
        total: 5,
      });
    });

    it('sorts collections by every key in both orders: no performance last, ties by name', async () => {
      const queries = await seeded(fleetTraffic());
      const { collections: listed } = await queries.listCollections(all);
      const [a, b, c, d, e] = FLEET;
      const names = async (over: object) =>
        (await queries.listCollections({ ...all, ...over })).collections.map((x) => x.name);
      for (const sort of COLLECTION_SORT_KEYS) {
        for (const order of ['asc', 'desc'] as const) {
          const expected = expectedOrder(listed, sort, order);
          expect(await names({ sort, order }), `${sort} ${order}`).toEqual(expected);
          // Pages cut the same order.
          const second = await names({ sort, order, page: 2, pageSize: 2 });
          expect(second, `${sort} ${order}, page 2`).toEqual(expected.slice(2, 4));
        }
      }
      // The oracle's rules, pinned on the fleet: a and e tie (by name in either order), c and d have no
      // performance and come last in both orders.
      expect(await names({ sort: 'p99Ms', order: 'desc' })).toEqual([b, a, e, c, d]);
      expect(await names({ sort: 'p99Ms', order: 'asc' })).toEqual([a, e, b, c, d]);
      expect(await names({ sort: 'errorRate', order: 'asc' })).toEqual([a, e, b, c, d]);
      expect(await names({ sort: 'endpoints', order: 'desc' })).toEqual([a, e, c, b, d]);
      expect(await names({ sort: 'endpoints', order: 'asc' })).toEqual([b, d, c, a, e]);
      expect(await names({ sort: 'authTypes', order: 'asc' })).toEqual([b, c, a, d, e]);
      expect(await names({ sort: 'tags', order: 'desc' })).toEqual([e, a, c, b, d]);
      expect(await names({ sort: 'firstSeen', order: 'asc' })).toEqual([a, e, b, d, c]);
      expect(await names({ sort: 'lastSeen', order: 'desc' })).toEqual([e, a, c, b, d]);
      // Defaults: A→Z for name, auth types and tags; largest first otherwise.
      expect(await names({})).toEqual(FLEET);
      expect(await names({ sort: 'tags' })).toEqual(await names({ sort: 'tags', order: 'asc' }));
      expect(await names({ sort: 'authTypes' })).toEqual(await names({ sort: 'authTypes', order: 'asc' }));
      expect(await names({ sort: 'lastSeen' })).toEqual(await names({ sort: 'lastSeen', order: 'desc' }));
      expect(await names({ sort: 'sensitiveParams' })).toEqual(
        await names({ sort: 'sensitiveParams', order: 'desc' }),
      );
    });

    it('sorts endpoints by path, calls and performance, endpoints without performance last', async () => {
      const queries = await seeded();
      const paths = async (over: object) =>
        (await queries.listEndpoints(shop, page(over)))?.endpoints.map((e) => e.path) ?? [];
      const r = (i: number) => `/r${String(i).padStart(2, '0')}/items`;
      const withoutPerformance = [25, 26, 27, 28, 29].map(r);
      expect((await paths({ sort: 'path', order: 'desc' }))[0]).toBe(r(29));
      const byP99 = await paths({ sort: 'p99Ms' });
      expect(byP99.slice(0, 3)).toEqual([r(1), r(24), r(23)]);
      expect(byP99.slice(25)).toEqual(withoutPerformance);
      const byP99Asc = await paths({ sort: 'p99Ms', order: 'asc' });
      expect(byP99Asc.slice(0, 2)).toEqual([r(0), r(2)]);
      expect(byP99Asc.slice(25)).toEqual(withoutPerformance);
      expect((await paths({ sort: 'errorRate' })).slice(0, 6)).toEqual([0, 6, 12, 18, 24, 1].map(r));
      expect((await paths({ sort: 'coldStartRate' })).slice(0, 7)).toEqual([0, 4, 8, 12, 16, 20, 24].map(r));
      expect((await paths({ sort: 'invocations' }))[0]).toBe(r(1));
      expect(await paths({ sort: 'p50Ms', pageSize: 2, page: 2 })).toEqual([r(23), r(22)]);
      expect((await paths({ sort: 'calls', order: 'asc' })).slice(0, 2)).toEqual([r(0), r(1)]);
      expect(await paths({ sort: 'p95Ms', auth: 'API_KEY' })).toEqual([20, 15, 10, 5, 0, 25].map(r));
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
        (await part.queries.listCollections({ ...all, tags })).collections.map((c) => c.name);
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
      expect(detail?.endpoint.performance).toMatchObject({ invocations: 1, errors: 1, coldStarts: 1 });
      expect(Math.abs((detail?.endpoint.performance?.p50Ms ?? 0) - durationOf(0))).toBeLessThan(0.1);
      expect(
        detail?.endpoint.functions.map(({ name, qualifier, calls }) => ({ name, qualifier, calls })),
      ).toEqual([{ name: 'shop-fn', qualifier: null, calls: 1 }]);
      const failing = await queries.getEndpoint(endpointIdOf(shop, 'GET', '/r01/items'));
      expect(failing?.endpoint).toMatchObject({ calls: 1, otherFunctionCalls: 0 });
      expect(failing?.endpoint.performance).toMatchObject({ invocations: 3, errors: 2 });
      // In the order first seen.
      expect(failing?.endpoint.functions.map((f) => [f.qualifier, f.calls])).toEqual([
        ['live', 1],
        ['$LATEST', 2],
      ]);
      const hour = T0 - (T0 % 3600) + 3600;
      expect(failing?.hourlyPerformance).toMatchObject([{ hour, invocations: 3, errors: 2, coldStarts: 0 }]);
      expect(failing?.hourlyPerformance[0]?.p99Ms).toBeGreaterThan(5000 * 0.99);
      const listed = await queries.listEndpoints(shop, page({ search: '/r29/' }));
      expect(listed?.endpoints[0]).toMatchObject({ performance: null, functions: [], otherFunctionCalls: 0 });
      expect(await queries.getEndpoint('no-such-endpoint')).toBeUndefined();
      const openapi = await queries.collectionForOpenApi(shop);
      expect(openapi?.endpoints).toHaveLength(30);
      expect(await queries.collectionForOpenApi('no-such-collection')).toBeUndefined();
    });
  });
}
