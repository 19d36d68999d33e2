import type {
  CollectionsResponse,
  EndpointDetailResponse,
  EndpointsResponse,
  TrafficRecord,
} from '@tapline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/server.js';
import { httpRequest, postJson } from './support/http.js';
import { makeRecord, wireBody } from './support/records.js';
import { makeTempDir } from './support/temp-dir.js';

const HOST = 'perf.example.com';
const QUICK = 'quick.example.com';
const T0 = 1_795_515_302;

/** The exact value DDSketch approximates at quantile q (rank q × (n − 1), rounded down). */
function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))] as number;
}

/** Within the sketch's 1 % relative accuracy (plus the API's rounding to microseconds). */
function expectNear(got: number | undefined, exact: number): void {
  expect(got).toBeDefined();
  expect(Math.abs((got as number) - exact)).toBeLessThanOrEqual(exact * 0.01 + 0.001);
}

const fastDurations = Array.from({ length: 200 }, (_, i) => 1 + i * 0.5);
const slowDurations = Array.from({ length: 50 }, (_, i) => 1000 + i * 10);

function records(): TrafficRecord[] {
  const headers = { host: HOST, 'content-type': 'application/json' };
  const out: TrafficRecord[] = [];
  fastDurations.forEach((durationMs, i) => {
    out.push(
      makeRecord({
        path: '/fast',
        requestHeaders: headers,
        time: T0 + (i < 100 ? 0 : 3600),
        performance: { durationMs, coldStart: i % 10 === 0, outcome: 'ok' },
        lambdaFunction: { name: 'shop-api', qualifier: i % 4 === 0 ? '7' : 'live' },
      }),
    );
  });
  slowDurations.forEach((durationMs, i) => {
    // The function errors (502) and timeouts (504) never enter the inventory, but count here.
    const outcome = i >= 45 ? 'function_error' : i >= 43 ? 'timeout' : 'ok';
    out.push(
      makeRecord({
        path: '/slow',
        requestHeaders: headers,
        time: T0,
        statusCode: outcome === 'ok' ? 200 : outcome === 'timeout' ? 504 : 502,
        performance: { durationMs, coldStart: false, outcome },
        lambdaFunction: { name: 'report-api' },
      }),
    );
  });
  out.push(makeRecord({ path: '/plain', requestHeaders: headers, time: T0 }));
  for (let i = 0; i < 5; i++)
    out.push(
      makeRecord({
        path: '/q',
        requestHeaders: { host: QUICK },
        time: T0,
        performance: { durationMs: 0.2, coldStart: true, outcome: 'ok' },
      }),
    );
  return out;
}

describe('endpoint performance through tapline serve', () => {
  const temp = makeTempDir();
  let server: RunningServer;
  let collectionId: string;
  const get = async <T>(path: string) => {
    const res = await httpRequest(`${server.url}${path}`);
    expect(res.status).toBe(200);
    return res.json() as T;
  };

  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, dataDir: temp.dir, logLevel: 'silent' });
    const all = records();
    const ingested = await postJson(`${server.url}/api/ingestData`, wireBody(all));
    expect(ingested.json()).toMatchObject({ accepted: all.length });
    await server.waitForInventory();
    const list = await get<CollectionsResponse>('/api/collections');
    collectionId = list.collections.find((c) => c.host === HOST)?.id as string;
  });

  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  it('shows percentiles within the sketch accuracy, error and cold-start rates, per endpoint', async () => {
    const page = await get<EndpointsResponse>(`/api/collections/${collectionId}/endpoints`);
    const byPath = new Map(page.endpoints.map((e) => [e.path, e]));
    const fast = byPath.get('/fast')?.performance;
    expect(fast).toMatchObject({ invocations: 200, errorRate: 0, coldStartRate: 0.1 });
    expectNear(fast?.p50Ms, exactQuantile(fastDurations, 0.5));
    expectNear(fast?.p95Ms, exactQuantile(fastDurations, 0.95));
    expectNear(fast?.p99Ms, exactQuantile(fastDurations, 0.99));
    const slow = byPath.get('/slow');
    expect(slow?.calls).toBe(43);
    expect(slow?.performance).toMatchObject({ invocations: 50, errorRate: 0.14, coldStartRate: 0 });
    expectNear(slow?.performance?.p99Ms, exactQuantile(slowDurations, 0.99));
    expect(byPath.get('/plain')).toMatchObject({ performance: null, functions: [] });
    expect(byPath.get('/fast')?.functions).toEqual([
      { name: 'shop-api', qualifier: 'live', calls: 150 },
      { name: 'shop-api', qualifier: '7', calls: 50 },
    ]);
    expect(slow?.functions).toEqual([{ name: 'report-api', qualifier: null, calls: 50 }]);
  });

  it('shows each collection with its invocations merged and sorts collections', async () => {
    const list = await get<CollectionsResponse>('/api/collections?sort=p99Ms');
    expect(list.collections.map((c) => c.host)).toEqual([HOST, QUICK]);
    const perf = list.collections[0]?.performance;
    expect(perf).toMatchObject({ invocations: 250, errorRate: 0.028, coldStartRate: 0.08 });
    expectNear(perf?.p50Ms, exactQuantile([...fastDurations, ...slowDurations], 0.5));
    expectNear(perf?.p99Ms, exactQuantile([...fastDurations, ...slowDurations], 0.99));
    const asc = await get<CollectionsResponse>('/api/collections?sort=p99Ms&order=asc');
    expect(asc.collections.map((c) => c.host)).toEqual([QUICK, HOST]);
    const cold = await get<CollectionsResponse>('/api/collections?sort=coldStartRate');
    expect(cold.collections.map((c) => [c.host, c.performance?.coldStartRate])).toEqual([
      [QUICK, 1],
      [HOST, 0.08],
    ]);
  });

  it('sorts endpoints by each figure, endpoints without performance last', async () => {
    const paths = async (query: string) =>
      (await get<EndpointsResponse>(`/api/collections/${collectionId}/endpoints?${query}`)).endpoints.map(
        (e) => e.path,
      );
    expect(await paths('sort=p99Ms')).toEqual(['/slow', '/fast', '/plain']);
    expect(await paths('sort=p50Ms&order=asc')).toEqual(['/fast', '/slow', '/plain']);
    expect(await paths('sort=errorRate')).toEqual(['/slow', '/fast', '/plain']);
    expect(await paths('sort=coldStartRate')).toEqual(['/fast', '/slow', '/plain']);
    expect(await paths('sort=invocations')).toEqual(['/fast', '/slow', '/plain']);
    expect(await paths('sort=calls&order=asc')).toEqual(['/plain', '/slow', '/fast']);
    expect(await paths('sort=path&order=desc')).toEqual(['/slow', '/plain', '/fast']);
  });

  it('refuses unknown sort keys and orders with a 400 naming the parameter', async () => {
    for (const path of [
      `/api/collections/${collectionId}/endpoints?sort=latency`,
      `/api/collections/${collectionId}/endpoints?sort=p99ms`,
      `/api/collections/${collectionId}/endpoints?order=up`,
      '/api/collections?sort=p99',
      '/api/collections?order=DESC',
    ]) {
      const res = await httpRequest(`${server.url}${path}`);
      expect(res.status).toBe(400);
      const name = path.includes('order=') ? 'order' : 'sort';
      expect((res.json() as { error: string }).error).toMatch(new RegExp(`^${name}: expected one of`));
    }
  });

  it('answers the endpoint detail with its functions and hourly performance', async () => {
    const page = await get<EndpointsResponse>(`/api/collections/${collectionId}/endpoints?search=fast`);
    const detail = await get<EndpointDetailResponse>(`/api/endpoints/${page.endpoints[0]?.id}`);
    expect(detail.endpoint.functions.map((f) => f.calls)).toEqual([150, 50]);
    const hour = T0 - (T0 % 3600);
    expect(detail.hourlyPerformance.map((h) => [h.hour, h.invocations, h.coldStartRate])).toEqual([
      [new Date(hour * 1000).toISOString(), 100, 0.1],
      [new Date((hour + 3600) * 1000).toISOString(), 100, 0.1],
    ]);
    expectNear(detail.hourlyPerformance[1]?.p99Ms, exactQuantile(fastDurations.slice(100), 0.99));
  });
});
