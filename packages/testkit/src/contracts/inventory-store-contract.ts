import type { TrafficRecord } from '@tapline/contracts';
import {
  collectionIdOf,
  emptyPerformanceRows,
  endpointIdOf,
  type InventoryChanges,
  InventoryEngine,
  type InventorySnapshot,
  PERFORMANCE_OPEN_HOURS,
} from '@tapline/inventory';
import type { InventoryStore } from '@tapline/server';
import { describe, expect, it } from 'vitest';
import { InMemoryInventoryRows } from '../in-memory-inventory-rows.js';
import { trafficRecord } from '../traffic-records.js';
import { canonicalRows } from './canonical-rows.js';
import { type FreshStorage, freshStorageForEachTest } from './storage-under-test.js';

const HOSTS = ['a.contract.test', 'b.contract.test'];

/**
 * Traffic over two hosts with enough static siblings to merge (so endpoints get removed), with the
 * handler's performance and function on every record, every seventh a function error with status 502.
 */
export function contractTraffic(n: number, from = 0): { seq: number; record: TrafficRecord }[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const failed = i % 7 === 6;
    return {
      seq: i + 1,
      record: trafficRecord({
        path: i % 2 === 0 ? `/teams/team${Math.floor(i / 2) % 12}/members` : `/users/${i}?page=${i % 3}`,
        requestHeaders: { host: HOSTS[i % 2] as string, authorization: 'Bearer abc.def.ghi' },
        responsePayload: JSON.stringify({ id: i, email: `u${i}@example.com` }),
        time: 1_795_515_302 + i * 600,
        statusCode: failed ? 502 : 200,
        performance: {
          durationMs: 2 + ((i * 37) % 300) / 3,
          coldStart: i % 10 === 0,
          outcome: failed ? 'function_error' : 'ok',
        },
        lambdaFunction: { name: 'contract-fn', qualifier: i % 3 === 0 ? 'live' : '7' },
      }),
    };
  });
}

/** The state of one engine fed all of `traffic` without stopping: what a store must end up holding. */
function neverStopped(traffic: { seq: number; record: TrafficRecord }[]): InventorySnapshot {
  const engine = new InventoryEngine();
  engine.apply(traffic);
  engine.takeChanges();
  return engine.snapshot();
}

/** What the inventory loop does after a restart: resume at the stored checkpoint, load, apply, commit. */
async function resumeAndCommit(
  store: InventoryStore,
  records: { seq: number; record: TrafficRecord }[],
): Promise<void> {
  const resumed = InventoryEngine.resume({}, await store.checkpoint());
  resumed.admit(await store.loadCollections(resumed.planLoads(records, 100).collectionIds));
  resumed.apply(records);
  await store.commit(resumed.takeChanges());
}

/** What every InventoryStore implementation must do; run it with a factory for fresh, empty stores. */
export function inventoryStoreContract(name: string, fresh: FreshStorage<InventoryStore>): void {
  describe(`InventoryStore contract: ${name}`, () => {
    const begin = freshStorageForEachTest(fresh);
    const start = async () => {
      const { open, first } = await begin();
      return { open, store: first };
    };

    it('starts empty', async () => {
      const { store } = await start();
      expect(await store.checkpoint()).toBe(0);
      expect(await store.endpointCount()).toBe(0);
      expect(await store.isolatedCount()).toBe(0);
      expect(await store.overCapTotals()).toEqual({ calls: 0, values: 0 });
      expect(await store.loadCollections([collectionIdOf(HOSTS[0] as string)])).toEqual({
        collections: [],
        endpoints: [],
        parameters: [],
        samples: [],
        hourly: [],
        performance: emptyPerformanceRows(),
      });
    });

    it('commits changes and the checkpoint together; loads exactly the rows of the collections asked for', async () => {
      const { store, open } = await start();
      const reference = new InMemoryInventoryRows();
      const engine = new InventoryEngine();
      const traffic = contractTraffic(60);
      for (let i = 0; i < traffic.length; i += 15) {
        engine.apply(traffic.slice(i, i + 15));
        const changes = engine.takeChanges();
        reference.commit(changes);
        await store.commit(changes);
      }
      expect(reference.endpoints.size).toBeLessThan(30); // siblings merged, members removed
      await store.close();
      const reopened = await open();
      expect(await reopened.checkpoint()).toBe(60);
      expect(await reopened.endpointCount()).toBe(reference.endpoints.size);
      for (const host of HOSTS) {
        const id = collectionIdOf(host);
        expect(canonicalRows(await reopened.loadCollections([id]))).toEqual(
          canonicalRows(reference.load([id])),
        );
      }
      const both = HOSTS.map(collectionIdOf);
      expect(canonicalRows(await reopened.loadCollections([...both, 'unknown']))).toEqual(
        canonicalRows(reference.load(both)),
      );
      expect(canonicalRows(await reopened.loadSnapshot())).toEqual(canonicalRows(reference.snapshot()));
    });

    it('an engine resumed from the store and loading on demand continues exactly as one that never stopped', async () => {
      const { store } = await start();
      const traffic = contractTraffic(80);
      const first = new InventoryEngine();
      first.apply(traffic.slice(0, 40));
      await store.commit(first.takeChanges());
      await resumeAndCommit(store, traffic.slice(30)); // replayed from before the checkpoint: at-least-once
      expect(canonicalRows(await store.loadSnapshot())).toEqual(canonicalRows(neverStopped(traffic)));
    });

    it('keeps the parameters of a loaded endpoint that a later call did not carry', async () => {
      const { store } = await start();
      const call = (seq: number, path: string) => ({
        seq,
        record: trafficRecord({
          path,
          requestHeaders: { host: 'partial.contract.test' },
          responsePayload: JSON.stringify({ id: seq }),
        }),
      });
      const traffic = [call(1, '/users/1?expand=orders'), call(2, '/users/2'), call(3, '/users/3?limit=5')];
      const first = new InventoryEngine();
      first.apply(traffic.slice(0, 1));
      await store.commit(first.takeChanges());
      await resumeAndCommit(store, traffic.slice(1, 2));
      await resumeAndCommit(store, traffic.slice(2));
      const snapshot = await store.loadSnapshot();
      expect(
        snapshot.parameters
          .filter((p) => p.in === 'query')
          .map((p) => p.name)
          .sort(),
      ).toEqual(['expand', 'limit']);
      expect(canonicalRows(snapshot)).toEqual(canonicalRows(neverStopped(traffic)));
    });

    it('stores performance and functions; loads only the open hours per collection, every hour in the snapshot', async () => {
      const { store, open } = await start();
      const engine = new InventoryEngine();
      const reference = new InMemoryInventoryRows();
      const host = 'perf.contract.test';
      const t0 = 1_795_515_302;
      // One endpoint over 30 hours (6 of them final by the end), another in the last hour only.
      const records = Array.from({ length: 40 }, (_, i) => ({
        seq: i + 1,
        record: trafficRecord({
          path: i < 30 ? '/slow' : '/fast',
          requestHeaders: { host },
          time: t0 + (i < 30 ? i * 3600 : 29 * 3600),
          statusCode: i % 5 === 4 ? 504 : 200,
          performance: {
            durationMs: i < 30 ? 100 + i : 1 + i / 100,
            coldStart: i === 0,
            outcome: i % 5 === 4 ? 'timeout' : 'ok',
          },
          lambdaFunction: { name: 'perf-fn', qualifier: i < 20 ? '1' : '2' },
        }),
      }));
      records.unshift({
        seq: 0,
        record: trafficRecord({ path: '/slow', requestHeaders: { host }, time: t0 }),
      });
      const ordered = records.map((r, i) => ({ ...r, seq: i + 1 }));
      for (let i = 0; i < ordered.length; i += 7) {
        engine.apply(ordered.slice(i, i + 7));
        const changes = engine.takeChanges();
        reference.commit(changes);
        await store.commit(changes);
      }
      await store.close();
      const reopened = await open();
      const id = collectionIdOf(host);
      const loaded = await reopened.loadCollections([id]);
      expect(canonicalRows(loaded)).toEqual(canonicalRows(reference.load([id])));
      const slow = endpointIdOf(id, 'GET', '/slow');
      const newest = t0 - (t0 % 3600) + 29 * 3600;
      expect(loaded.performance.hourly.filter((h) => h.endpointId === slow).map((h) => h.hour)).toEqual(
        expect.arrayContaining([newest, newest - (PERFORMANCE_OPEN_HOURS - 1) * 3600]),
      );
      expect(loaded.performance.hourly.some((h) => h.hour <= newest - PERFORMANCE_OPEN_HOURS * 3600)).toBe(
        false,
      );
      const snapshot = await reopened.loadSnapshot();
      expect(canonicalRows(snapshot)).toEqual(canonicalRows(reference.snapshot()));
      expect(snapshot.performance.hourly.filter((h) => h.endpointId === slow)).toHaveLength(30);
      const total = snapshot.performance.endpoints.find((p) => p.endpointId === slow);
      // Timeouts (504) are kept out of the inventory but count for their endpoint.
      expect(total).toMatchObject({
        invocations: 30,
        errors: 6,
        timeouts: 6,
        coldStarts: 1,
        newestHour: newest,
      });
      expect(snapshot.performance.collections).toMatchObject([
        { collectionId: id, invocations: 40, errors: 8, timeouts: 8 },
      ]);
      expect(snapshot.performance.functions.find((f) => f.endpointId === slow)?.functions).toEqual([
        { name: 'perf-fn', qualifier: '1', calls: 20, lastSeen: t0 + 19 * 3600 },
        { name: 'perf-fn', qualifier: '2', calls: 10, lastSeen: t0 + 29 * 3600 },
      ]);
    });

    it('keeps the declared-route flag of an endpoint across a reopen', async () => {
      const { store, open } = await start();
      const host = 'abc123.execute-api.eu-west-1.amazonaws.com';
      const gateway = { requestHeaders: { host }, apiStage: '$default', apiId: 'abc123' };
      const engine = new InventoryEngine();
      engine.apply(
        [
          trafficRecord({ ...gateway, path: '/status', declaredRoute: '/status' }),
          trafficRecord({ ...gateway, path: '/other' }), // the `$default` route declares nothing
        ].map((record, i) => ({ seq: i + 1, record })),
      );
      await store.commit(engine.takeChanges());
      await store.close();
      const loaded = await (await open()).loadCollections([collectionIdOf(`${host}#$default`)]);
      expect(loaded.endpoints.map((e) => [e.path, e.declaredRoute]).sort()).toEqual([
        ['/other', undefined],
        ['/status', true],
      ]);
    });

    it('a commit that fails leaves the previous checkpoint and rows', async () => {
      const { store } = await start();
      const engine = new InventoryEngine();
      engine.apply(contractTraffic(10));
      await store.commit(engine.takeChanges());
      const before = canonicalRows(await store.loadSnapshot());
      engine.apply(contractTraffic(10, 10));
      const changes = engine.takeChanges();
      const broken: InventoryChanges = {
        ...changes,
        // A row the store must refuse (a required column missing), after valid ones.
        parameters: [
          ...changes.parameters,
          { ...(changes.parameters[0] as InventoryChanges['parameters'][number]), name: null as never },
        ],
      };
      await expect(store.commit(broken)).rejects.toThrow();
      expect(await store.checkpoint()).toBe(10);
      expect(canonicalRows(await store.loadSnapshot())).toEqual(before);
    });

    it('stores isolated records and cap counters with the commit', async () => {
      const { store, open } = await start();
      const engine = new InventoryEngine({ maxEndpointsPerCollection: 1 });
      const traffic = contractTraffic(6);
      engine.apply(traffic.slice(0, 5));
      engine.passOver(6);
      const changes = engine.takeChanges();
      changes.isolated = [
        { seq: 6, reason: 'test', record: traffic[5]?.record as TrafficRecord, isolatedAt: 1 },
      ];
      await store.commit(changes);
      await store.close();
      const reopened = await open();
      expect(await reopened.checkpoint()).toBe(6);
      expect(await reopened.isolatedCount()).toBe(1);
      expect(await reopened.overCapTotals()).toEqual({ calls: 2, values: 0 });
    });
  });
}
