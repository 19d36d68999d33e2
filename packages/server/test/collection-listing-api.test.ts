import type { CollectionResponse, CollectionsResponse, TrafficRecord } from '@tapline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/server.js';
import { httpRequest, postJson } from './support/http.js';
import { makeRecord, wireBody } from './support/records.js';
import { makeTempDir } from './support/temp-dir.js';

const T0 = 1_795_515_302;
/** h00 … h11: h<i> has i + 1 endpoints and last traffic at T0 + i; every third is tagged team=core. */
const HOSTS = Array.from({ length: 12 }, (_, i) => `h${String(i).padStart(2, '0')}.list.test`);

function records(): TrafficRecord[] {
  return HOSTS.flatMap((host, i) =>
    Array.from({ length: i + 1 }, (_, k) =>
      makeRecord({
        path: `/p${k}`,
        requestHeaders: { host },
        // A field of its own per endpoint, so the siblings are not similar enough to merge into a template.
        responsePayload: JSON.stringify({ [`f${k}`]: 1 }),
        time: T0 + i,
        ...(i % 3 === 0 ? { tag: { service: 'lambda', team: 'core' } } : {}),
      }),
    ),
  );
}

describe('GET /api/collections: pages, search, tags and sort', () => {
  const temp = makeTempDir();
  let server: RunningServer;
  const get = async <T>(path: string) => {
    const res = await httpRequest(`${server.url}${path}`);
    expect(res.status, path).toBe(200);
    return res.json() as T;
  };
  const names = async (query: string) => {
    const { collections, total } = await get<CollectionsResponse>(`/api/collections?${query}`);
    return { names: collections.map((c) => c.name.slice(0, 3)), total };
  };

  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, dataDir: temp.dir, logLevel: 'silent' });
    const all = records();
    expect((await postJson(`${server.url}/api/ingestData`, wireBody(all))).json()).toMatchObject({
      accepted: all.length,
    });
    await server.waitForInventory();
  });

  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  it('answers one page with the total over all pages, 50 by default', async () => {
    expect(await names('')).toMatchObject({ total: 12 });
    expect((await names('')).names).toHaveLength(12);
    expect(await names('pageSize=5&page=3')).toEqual({ names: ['h10', 'h11'], total: 12 });
    expect(await names('pageSize=5&page=4')).toEqual({ names: [], total: 12 });
    expect(await names('pageSize=500&sort=endpoints&order=desc')).toMatchObject({
      names: HOSTS.map((h) => h.slice(0, 3)).reverse(),
    });
  });

  it('searches, filters by tag and sorts on the server', async () => {
    expect(await names('search=H1')).toEqual({ names: ['h10', 'h11'], total: 2 });
    expect(await names('search=TEAM%3Dcore&pageSize=2')).toEqual({ names: ['h00', 'h03'], total: 4 });
    expect(await names('tag=team:core&search=h0')).toEqual({ names: ['h00', 'h03', 'h06', 'h09'], total: 4 });
    expect(await names('tag=team:core&tag=service:lambda&sort=lastSeen&pageSize=2')).toEqual({
      names: ['h09', 'h06'],
      total: 4,
    });
    expect(await names('sort=endpoints&order=asc&pageSize=3&page=2')).toEqual({
      names: ['h03', 'h04', 'h05'],
      total: 12,
    });
  });

  it('answers one collection by id, 404 for an unknown one', async () => {
    const { collections } = await get<CollectionsResponse>('/api/collections?search=h04');
    const [listed] = collections;
    const one = await get<CollectionResponse>(`/api/collections/${listed?.id}`);
    expect(one.collection).toEqual(listed);
    expect(one.collection.endpoints).toBe(5);
    const missing = await httpRequest(`${server.url}/api/collections/no-such-collection`);
    expect(missing.status).toBe(404);
  });

  it('refuses bad paging, sort and order values with a 400 naming the parameter', async () => {
    for (const [query, name] of [
      ['page=0', 'page'],
      ['page=x', 'page'],
      ['pageSize=501', 'pageSize'],
      ['pageSize=-1', 'pageSize'],
      ['sort=sensitive', 'sort'],
      ['sort=lastseen', 'sort'],
      ['order=up', 'order'],
      ['tag=team', 'tag'],
    ] as const) {
      const res = await httpRequest(`${server.url}/api/collections?${query}`);
      expect(res.status, query).toBe(400);
      expect((res.json() as { error: string }).error).toMatch(new RegExp(`^${name}: expected`));
    }
  });

  it('answers a single-valued parameter given twice with a 400 naming it, on both listings', async () => {
    const { collections } = await get<CollectionsResponse>('/api/collections');
    const id = (collections[0] as CollectionsResponse['collections'][number]).id;
    const listings = {
      '/api/collections': ['page', 'pageSize', 'search', 'sort', 'order'],
      [`/api/collections/${id}/endpoints`]: [
        'page',
        'pageSize',
        'search',
        'method',
        'sensitive',
        'auth',
        'firstSeenAfter',
        'sort',
        'order',
      ],
    };
    for (const [path, names] of Object.entries(listings)) {
      for (const name of names) {
        const res = await httpRequest(`${server.url}${path}?${name}=a&${name}=b`);
        expect(res.status, `${path} ${name}`).toBe(400);
        expect((res.json() as { error: string }).error).toBe(`${name}: expected one value, got 2`);
      }
    }
    // tag is the repeatable one: every tag must match.
    const tagged = await get<CollectionsResponse>('/api/collections?tag=team:core&tag=service:lambda');
    expect(tagged.total).toBe(4);
  });
});
