import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/server.js';
import { httpRequest, postJson } from './support/http.js';
import { makeRecord, wireBody } from './support/records.js';
import { makeTempDir } from './support/temp-dir.js';

interface EndpointDto {
  path: string;
  sensitive: string[];
  firstSeen: string;
}
interface EndpointPage {
  endpoints: EndpointDto[];
  total: number;
}

const T0 = 1_795_515_302;
const HOST = 'filters.example.com';
const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

describe('endpoint list filters sensitive=ANY and firstSeenAfter', () => {
  const temp = makeTempDir();
  let server: RunningServer;
  let url: string;

  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, dataDir: temp.dir, logLevel: 'silent' });
    const headers = { host: HOST, 'content-type': 'application/json' };
    const plain = JSON.stringify({ ok: true, count: 3 });
    const withEmail = JSON.stringify({ id: 1, contact: { email: 'ann@example.com' } });
    const records = [
      makeRecord({ path: '/alpha', time: T0, requestHeaders: headers, responsePayload: withEmail }),
      makeRecord({ path: '/beta', time: T0 + 100, requestHeaders: headers, responsePayload: plain }),
      makeRecord({ path: '/gamma', time: T0 + 200, requestHeaders: headers, responsePayload: withEmail }),
      makeRecord({ path: '/delta', time: T0 + 300, requestHeaders: headers, responsePayload: plain }),
      // A later call does not make /alpha new again.
      makeRecord({ path: '/alpha', time: T0 + 400, requestHeaders: headers, responsePayload: withEmail }),
    ];
    const ingested = await postJson(`${server.url}/api/ingestData`, wireBody(records));
    expect(ingested.json()).toMatchObject({ accepted: 5 });
    await server.waitForInventory();
    const collections = (await httpRequest(`${server.url}/api/collections`)).json() as {
      collections: { id: string; host: string | null }[];
    };
    const collection = collections.collections.find((c) => c.host === HOST);
    expect(collection).toBeDefined();
    url = `${server.url}/api/collections/${collection?.id}/endpoints`;
  });

  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  async function list(query: string): Promise<EndpointPage> {
    const response = await httpRequest(`${url}?${query}`);
    expect(response.status).toBe(200);
    return response.json() as EndpointPage;
  }
  const paths = (page: EndpointPage) => page.endpoints.map((e) => e.path);

  it('sensitive=ANY lists exactly the endpoints with at least one sensitive class', async () => {
    const all = await list('');
    expect(all.total).toBe(4);
    const expected = all.endpoints.filter((e) => e.sensitive.length > 0).map((e) => e.path);
    expect(expected).toEqual(expect.arrayContaining(['/alpha', '/gamma']));
    expect(expected.length).toBeLessThan(4);
    const any = await list('sensitive=ANY');
    expect(paths(any)).toEqual(expected);
    expect(any.total).toBe(expected.length);
    // Case-insensitive like the class names, and combinable with the other filters.
    expect(paths(await list('sensitive=any&search=gam'))).toEqual(['/gamma']);
    expect(paths(await list('sensitive=EMAIL'))).toEqual(expect.arrayContaining(['/alpha', '/gamma']));
  });

  it('firstSeenAfter keeps the endpoints first discovered strictly after the instant', async () => {
    const all = await list('');
    expect(Object.fromEntries(all.endpoints.map((e) => [e.path, e.firstSeen]))).toEqual({
      '/alpha': iso(T0),
      '/beta': iso(T0 + 100),
      '/delta': iso(T0 + 300),
      '/gamma': iso(T0 + 200),
    });
    expect(paths(await list(`firstSeenAfter=${iso(T0 + 100)}`))).toEqual(['/delta', '/gamma']);
    expect(paths(await list(`firstSeenAfter=${iso(T0 + 99.5)}`))).toEqual(['/beta', '/delta', '/gamma']);
    expect(paths(await list(`firstSeenAfter=${iso(T0 - 1)}`))).toHaveLength(4);
    expect((await list(`firstSeenAfter=${iso(T0 + 300)}`)).total).toBe(0);
    // An offset is honoured: T0+150 s written in UTC+02:00.
    const offset = new Date((T0 + 150 + 7200) * 1000).toISOString().replace('Z', '+02:00');
    expect(paths(await list(`firstSeenAfter=${encodeURIComponent(offset)}`))).toEqual(['/delta', '/gamma']);
    // A leap day is a day.
    expect((await list('firstSeenAfter=2024-02-29')).total).toBe(4);
    const both = await list(`firstSeenAfter=${iso(T0 + 100)}&sensitive=ANY&pageSize=1`);
    expect(both).toMatchObject({ total: 1, endpoints: [{ path: '/gamma' }] });
  });

  it.each([
    'yesterday',
    '1795515302',
    '2026-13-45T00:00:00Z',
    '2026-11-24T10:00:00Zjunk',
    '2026-02-31',
    '2026-04-31T10:00:00Z',
  ])('answers 400 naming firstSeenAfter for %j', async (value) => {
    const response = await httpRequest(`${url}?firstSeenAfter=${encodeURIComponent(value)}`);
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({
      success: false,
      code: 'TAPLINE_SERVER_BAD_REQUEST',
      error: expect.stringContaining('firstSeenAfter'),
    });
  });

  it('still rejects unknown sensitive classes', async () => {
    const response = await httpRequest(`${url}?sensitive=SOME`);
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: expect.stringContaining('ANY') });
  });
});
