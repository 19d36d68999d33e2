import type { InvocationPerformance, TrafficRecord } from '@tapline/contracts';
import { InMemoryInventoryRows } from '@tapline/testkit';
import { canonicalRows } from '@tapline/testkit/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  collectionIdOf,
  decodeSketch,
  encodeSketch,
  endpointIdOf,
  InventoryEngine,
  type InventoryPart,
  type LoggedRecord,
  MAX_FUNCTIONS_PER_ENDPOINT,
  newSketch,
  PERFORMANCE_OPEN_HOURS,
  quantileMs,
  SKETCH_RELATIVE_ACCURACY,
} from '../src/index.js';
import { logged, record, T0 } from './helpers/records.js';

const HOST = 'api.example.com';
const COLLECTION = collectionIdOf(HOST);
const HOUR0 = T0 - (T0 % 3600);

function perf(durationMs: number, over: Partial<InvocationPerformance> = {}): InvocationPerformance {
  return { durationMs, coldStart: false, outcome: 'ok', ...over };
}

function run(records: TrafficRecord[]) {
  const engine = new InventoryEngine();
  engine.apply(logged(records));
  return { engine, changes: engine.takeChanges() };
}

/** The exact value DDSketch approximates at quantile q: rank q × (n − 1), rounded down. */
function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))] as number;
}

describe('latency sketch', () => {
  it('quantiles are within the relative accuracy of the exact ones', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 900_000, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (values) => {
          const sketch = newSketch();
          for (const v of values) sketch.accept(v);
          const decoded = decodeSketch(encodeSketch(sketch));
          for (const q of [0.5, 0.95, 0.99]) {
            const exact = exactQuantile(values, q);
            const got = decoded.getValueAtQuantile(q);
            expect(Math.abs(got - exact)).toBeLessThanOrEqual(exact * SKETCH_RELATIVE_ACCURACY + 1e-9);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('encodes the same bins to the same bytes, whatever the order, merging or decoding before', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 60_000, noNaN: true }), { minLength: 2, maxLength: 200 }),
        fc.nat(),
        (values, cut) => {
          const inOrder = newSketch();
          for (const v of values) inOrder.accept(v);
          const reversed = newSketch();
          for (const v of [...values].reverse()) reversed.accept(v);
          const split = cut % values.length;
          const left = newSketch();
          const right = newSketch();
          for (const v of values.slice(0, split)) left.accept(v);
          for (const v of values.slice(split)) right.accept(v);
          const merged = decodeSketch(encodeSketch(left));
          merged.merge(decodeSketch(encodeSketch(right)));
          const bytes = Buffer.from(encodeSketch(inOrder));
          expect(Buffer.from(encodeSketch(reversed)).equals(bytes)).toBe(true);
          expect(Buffer.from(encodeSketch(merged)).equals(bytes)).toBe(true);
          expect(quantileMs(merged, 0.99)).toBe(quantileMs(inOrder, 0.99));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('endpoint performance', () => {
  it('counts invocations, errors, timeouts and cold starts per endpoint, per hour and per collection', () => {
    const durations = Array.from({ length: 100 }, (_, i) => 1 + i * 2.5);
    const records = durations.map((d, i) =>
      record({
        time: T0 + (i < 60 ? 0 : 3600),
        performance: perf(d, {
          coldStart: i % 25 === 0,
          outcome: i % 10 === 9 ? 'function_error' : 'ok',
        }),
      }),
    );
    // Kept out of the inventory by the status filter, still the endpoint's: a timeout (504) and a 500.
    records.push(
      record({ statusCode: 504, time: T0 + 3600, performance: perf(3000, { outcome: 'timeout' }) }),
    );
    records.push(record({ statusCode: 500, performance: perf(5, { outcome: 'function_error' }) }));
    const { changes } = run(records);
    const id = endpointIdOf(COLLECTION, 'GET', '/items');
    expect(changes.endpoints.find((e) => e.id === id)?.calls).toBe(100);
    const [total] = changes.performance.endpoints;
    expect(total).toMatchObject({
      endpointId: id,
      invocations: 102,
      errors: 12,
      timeouts: 1,
      coldStarts: 4,
      newestHour: HOUR0 + 3600,
    });
    const all = [...durations, 3000, 5];
    for (const [q, got] of [
      [0.5, total?.p50Ms],
      [0.95, total?.p95Ms],
      [0.99, total?.p99Ms],
    ] as const) {
      const exact = exactQuantile(all, q);
      expect(Math.abs((got as number) - exact)).toBeLessThanOrEqual(exact * SKETCH_RELATIVE_ACCURACY + 0.001);
    }
    expect(changes.performance.hourly.map((h) => [h.hour, h.invocations, h.errors])).toEqual([
      [HOUR0, 61, 7],
      [HOUR0 + 3600, 41, 5],
    ]);
    expect(changes.performance.collections).toMatchObject([
      { collectionId: COLLECTION, invocations: 102, errors: 12 },
    ]);
  });

  it('a filtered record whose endpoint does not exist, or an ignored path, counts nowhere and creates nothing', () => {
    const { changes } = run([
      record({ statusCode: 500, path: '/never-ok', performance: perf(5, { outcome: 'function_error' }) }),
      record({ path: '/health', performance: perf(1) }),
      record({ statusCode: 503, path: '/health', performance: perf(1) }),
    ]);
    expect(changes.endpoints).toEqual([]);
    expect(changes.performance).toEqual({ endpoints: [], hourly: [], collections: [], functions: [] });
    expect(changes.filtered).toBe(3);
  });

  it('records without performance leave performance out (null in the API), functions alone are kept', () => {
    const { changes } = run([
      record({ path: '/a' }),
      record({ path: '/b', lambdaFunction: { name: 'shop', qualifier: 'live' } }),
    ]);
    expect(changes.performance.endpoints).toEqual([]);
    expect(changes.performance.collections).toEqual([]);
    expect(changes.performance.functions).toEqual([
      {
        endpointId: endpointIdOf(COLLECTION, 'GET', '/b'),
        functions: [{ name: 'shop', qualifier: 'live', calls: 1, lastSeen: T0 }],
        otherCalls: 0,
      },
    ]);
  });

  it('a BatchInvoke counts its one invocation once per endpoint and once on the collection', () => {
    const item = (field: string, id: string) => ({
      fieldName: field,
      operationName: field,
      arguments: { id },
    });
    const appSyncHost = 'xyz.appsync-api.us-east-1.amazonaws.com';
    const { changes } = run([
      record({
        path: '/graphql',
        method: 'POST',
        requestHeaders: { host: appSyncHost },
        tag: { service: 'lambda', source: 'AppSync' },
        requestPayload: JSON.stringify([
          { ...item('author', '1'), parentTypeName: 'Post', query: '', variables: {} },
          { ...item('author', '2'), parentTypeName: 'Post', query: '', variables: {} },
          { ...item('comments', '3'), parentTypeName: 'Post', query: '', variables: {} },
        ]),
        responsePayload: JSON.stringify([{ id: 'a' }, { id: 'b' }, [{ id: 'c' }]]),
        performance: perf(42, { coldStart: true }),
        lambdaFunction: { name: 'resolver' },
      }),
    ]);
    expect(changes.endpoints.map((e) => [e.path, e.calls]).sort()).toEqual([
      ['/graphql/Post/author', 2],
      ['/graphql/Post/comments', 1],
    ]);
    expect(changes.performance.endpoints.map((p) => [p.invocations, p.coldStarts])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(changes.performance.functions.map((f) => f.functions[0]?.calls)).toEqual([1, 1]);
    expect(changes.performance.collections).toMatchObject([{ invocations: 1, coldStarts: 1 }]);
  });

  it('static siblings folded into a template bring their performance and functions along', () => {
    const records = Array.from({ length: 12 }, (_, i) =>
      record({
        path: `/teams/team${i}/members`,
        performance: perf(10 + i, { outcome: i === 3 ? 'function_error' : 'ok' }),
        lambdaFunction: { name: 'teams', qualifier: i % 2 === 0 ? '1' : '2' },
      }),
    );
    const { engine, changes } = run(records);
    const templated = endpointIdOf(COLLECTION, 'GET', '/teams/STRING/members');
    expect(changes.endpoints.map((e) => e.id)).toContain(templated);
    const rows = engine.snapshot().performance;
    expect(rows.endpoints).toMatchObject([{ endpointId: templated, invocations: 12, errors: 1 }]);
    expect(rows.hourly).toMatchObject([{ endpointId: templated, invocations: 12 }]);
    expect(rows.functions.map((f) => f.endpointId)).toEqual([templated]);
    expect(rows.functions[0]?.functions.map((f) => [f.qualifier, f.calls]).sort()).toEqual([
      ['1', 6],
      ['2', 6],
    ]);
    // The removed members' rows are not written; the store deletes them with the members.
    expect(changes.performance.endpoints.map((p) => p.endpointId)).toEqual([templated]);
  });

  it(`keeps ${MAX_FUNCTIONS_PER_ENDPOINT} functions per endpoint; the least recently seen leaves, its calls counted`, () => {
    const records = Array.from({ length: MAX_FUNCTIONS_PER_ENDPOINT + 5 }, (_, i) =>
      record({ time: T0 + i, lambdaFunction: { name: 'shop', qualifier: String(i) } }),
    );
    // Version 0 is called again last: it stays, versions 1..5 leave.
    records.push(record({ time: T0 + 100, lambdaFunction: { name: 'shop', qualifier: '0' } }));
    records.splice(MAX_FUNCTIONS_PER_ENDPOINT, 0, records.pop() as TrafficRecord);
    const { changes } = run(records);
    const [row] = changes.performance.functions;
    expect(row?.functions).toHaveLength(MAX_FUNCTIONS_PER_ENDPOINT);
    expect(row?.otherCalls).toBe(5);
    const qualifiers = row?.functions.map((f) => f.qualifier);
    expect(qualifiers).toContain('0');
    for (const gone of ['1', '2', '3', '4', '5']) expect(qualifiers).not.toContain(gone);
    expect(row?.functions.find((f) => f.qualifier === '0')?.calls).toBe(2);
  });

  it(`hours older than ${PERFORMANCE_OPEN_HOURS} hours before the newest are final: a late record counts in the totals only`, () => {
    const { engine, changes } = run([
      record({ time: T0, performance: perf(1) }),
      record({ time: T0 + 30 * 3600, performance: perf(2) }),
      record({ time: T0 + 3600, performance: perf(3) }), // 29 hours late
      record({ time: T0 + 10 * 3600, performance: perf(4) }), // 20 hours late: still open
    ]);
    expect(changes.performance.hourly.map((h) => [(h.hour - HOUR0) / 3600, h.invocations]).sort()).toEqual([
      [0, 1],
      [10, 1],
      [30, 1],
    ]);
    expect(changes.performance.endpoints).toMatchObject([{ invocations: 4 }]);
    // A final hour leaves memory once its row is taken and the newest hour moves on.
    engine.apply(logged([record({ time: T0 + 31 * 3600, performance: perf(5) })], 5));
    engine.takeChanges();
    const inMemory = engine.snapshot().performance.hourly.map((h) => (h.hour - HOUR0) / 3600);
    expect(inMemory.sort((a, b) => a - b)).toEqual([10, 30, 31]);
  });
});

describe('endpoint performance: exact and idempotent', () => {
  /** Many hosts and endpoints, 5xx and timeouts, cold starts, functions, over 40 hours and out of order. */
  function traffic(n: number): LoggedRecord[] {
    return logged(
      Array.from({ length: n }, (_, i) => {
        // Failures only after their endpoint exists (its host's first orders call is early in its block).
        const failed = i % 3 !== 0 && i % 15 > 3 && i % 11 === 5;
        return record({
          path: i % 3 === 0 ? `/teams/team${i % 12}/members` : `/orders/${i % 5}/lines`,
          requestHeaders: { host: `svc${Math.floor(i / 15) % 6}.example.com` },
          time: T0 + ((i * 7919) % 40) * 3600 + i,
          statusCode: failed ? (i % 2 === 0 ? 504 : 502) : 200,
          performance: perf(((i * 37) % 500) + 0.5, {
            coldStart: i % 13 === 0,
            outcome: failed ? (i % 2 === 0 ? 'timeout' : 'function_error') : 'ok',
          }),
          lambdaFunction: { name: `fn${i % 4}`, qualifier: String(i % 30) },
        });
      }),
    );
  }

  it('loading on demand with evictions, restarts and replays gives the rows of one engine that kept everything', () => {
    const all = traffic(600);
    const full = new InventoryEngine();
    full.apply(all);
    const reference = new InMemoryInventoryRows();
    reference.commit(full.takeChanges());

    const rows = new InMemoryInventoryRows();
    let engine = InventoryEngine.resume({}, 0);
    let evicted = 0;
    for (let i = 0; i < all.length; ) {
      // After each restart the log is replayed from a little before the checkpoint: at-least-once.
      const from = Math.max(0, i - 3);
      const batch = all.slice(from, i + 7);
      const plan = engine.planLoads(batch, 2);
      engine.admit(rows.load(plan.collectionIds));
      engine.apply(batch.slice(0, plan.records));
      i = from + plan.records;
      rows.commit(engine.takeChanges());
      evicted += engine.evict(0);
      if (i % 40 < 7) engine = InventoryEngine.resume({}, rows.checkpoint);
    }
    expect(evicted).toBeGreaterThan(20);
    const expected: InventoryPart = canonicalRows(reference.snapshot());
    expect(expected.performance.endpoints.length).toBeGreaterThan(3);
    expect(expected.performance.hourly.length).toBeGreaterThan(40);
    expect(canonicalRows(rows.snapshot())).toEqual(expected);
    // Counts are exact: every record counted once, the 5xx and timeouts included.
    const invocations = expected.performance.collections.reduce((sum, c) => sum + c.invocations, 0);
    expect(invocations).toBe(600);
  });

  it('replaying a committed batch changes nothing', () => {
    const all = traffic(120);
    const engine = new InventoryEngine();
    engine.apply(all);
    const first = engine.takeChanges();
    engine.apply(all);
    const again = engine.takeChanges();
    expect(first.performance.endpoints.length).toBeGreaterThan(0);
    expect(again.performance).toEqual({ endpoints: [], hourly: [], collections: [], functions: [] });
  });
});
