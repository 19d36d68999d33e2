import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/server.js';
import { httpRequest, postJson } from './support/http.js';
import { aktoFixtureBody, makeRecord, wireBody } from './support/records.js';
import { makeTempDir } from './support/temp-dir.js';

interface CollectionDto {
  id: string;
  name: string;
  host: string | null;
  tags: Record<string, string>;
  endpoints: number;
  sensitiveParams: number;
  authTypes: string[];
  firstSeen: string;
  lastSeen: string;
}
interface EndpointDto {
  id: string;
  method: string;
  path: string;
  authTypes: string[];
  sensitive: string[];
  statusCodes: number[];
  calls: number;
  firstSeen: string;
  lastSeen: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('tapline server over HTTP (real engine in its worker thread)', () => {
  const temp = makeTempDir();
  let server: RunningServer;
  let base: string;

  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, dataDir: temp.dir, logLevel: 'silent' });
    base = server.url;
    const records = [
      makeRecord({ path: '/orders/17?expand=items' }),
      makeRecord({ path: '/orders/18', requestHeaders: { host: 'shop.example.com', 'x-api-key': 'k' } }),
      makeRecord({
        path: '/orders',
        method: 'POST',
        statusCode: 201,
        status: 'Created',
        requestPayload: JSON.stringify({ item: 'book', contact: { phone: '+44 20 7946 0958' } }),
        responsePayload: JSON.stringify({ id: 19 }),
      }),
      makeRecord({ path: '/orders/20', statusCode: 500, status: 'Internal Server Error' }),
    ];
    const akto = await postJson(`${base}/api/ingestData`, aktoFixtureBody());
    expect(akto.json()).toEqual({ success: true, accepted: 1, rejected: [] });
    const ours = await postJson(`${base}/api/ingestData`, wireBody(records));
    expect(ours.json()).toEqual({ success: true, accepted: 4, rejected: [] });
    await server.waitForInventory();
  });

  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  async function collections(): Promise<CollectionDto[]> {
    const response = await httpRequest(`${base}/api/collections`);
    expect(response.status).toBe(200);
    return (response.json() as { collections: CollectionDto[] }).collections;
  }

  it('turns the Akto fixture batch into a collection keyed by host, with its endpoint and parameters', async () => {
    const all = await collections();
    const api = all.find((c) => c.host === 'abc123.execute-api.eu-west-1.amazonaws.com');
    expect(api).toMatchObject({ name: 'abc123.execute-api.eu-west-1.amazonaws.com', endpoints: 1 });
    expect(api?.tags).toMatchObject({ service: 'lambda' });
    expect(api?.firstSeen).toMatch(ISO);
    expect(api?.sensitiveParams).toBeGreaterThanOrEqual(1);
    const list = await httpRequest(`${base}/api/collections/${api?.id}/endpoints`);
    const { endpoints, total } = list.json() as { endpoints: EndpointDto[]; total: number };
    expect(total).toBe(1);
    expect(endpoints[0]).toMatchObject({
      method: 'GET',
      path: '/users/INTEGER',
      calls: 1,
      statusCodes: [200],
    });
    expect(endpoints[0]?.lastSeen).toBe(new Date(1_795_515_302_000).toISOString());
    const detail = (await httpRequest(`${base}/api/endpoints/${endpoints[0]?.id}`)).json() as {
      endpoint: EndpointDto;
      parameters: {
        location: string;
        in: string;
        name: string;
        types: string[];
        sensitive: string[];
        count: number;
        status: number | null;
        firstSeen: string;
      }[];
      samples: unknown[];
      hourly: { hour: string; calls: number }[];
    };
    expect(detail.endpoint.id).toBe(endpoints[0]?.id);
    const email = detail.parameters.find(
      (p) => p.location === 'response' && p.in === 'body' && p.name === 'email',
    );
    expect(email).toMatchObject({ status: 200, types: ['EMAIL'], sensitive: ['EMAIL'], count: 1 });
    expect(email?.firstSeen).toMatch(ISO);
    expect(detail.parameters.some((p) => p.location === 'request' && p.in === 'header')).toBe(true);
    expect(detail.samples).toHaveLength(1);
    const hour = new Date(Math.floor(1_795_515_302 / 3600) * 3_600_000).toISOString();
    expect(detail.hourly).toEqual([{ hour, calls: 1 }]);
  });

  it('lists, filters and pages endpoints', async () => {
    const shop = (await collections()).find((c) => c.host === 'shop.example.com');
    expect(shop).toBeDefined();
    expect(shop?.authTypes).toEqual(expect.arrayContaining(['BEARER', 'API_KEY']));
    const url = `${base}/api/collections/${shop?.id}/endpoints`;
    const all = (await httpRequest(url)).json() as { endpoints: EndpointDto[]; total: number };
    expect(all.endpoints.map((e) => `${e.method} ${e.path}`).sort()).toEqual([
      'GET /orders/INTEGER',
      'POST /orders',
    ]);
    // The 500 is filtered out by the engine: two 200 calls only.
    expect(all.endpoints.find((e) => e.method === 'GET')?.calls).toBe(2);
    const posts = (await httpRequest(`${url}?method=post`)).json() as {
      endpoints: EndpointDto[];
      total: number;
    };
    expect(posts.endpoints.map((e) => e.path)).toEqual(['/orders']);
    const search = (await httpRequest(`${url}?search=INTEGER`)).json() as { total: number };
    expect(search.total).toBe(1);
    const apiKey = (await httpRequest(`${url}?auth=API_KEY`)).json() as { endpoints: EndpointDto[] };
    expect(apiKey.endpoints.map((e) => e.path)).toEqual(['/orders/INTEGER']);
    const paged = (await httpRequest(`${url}?page=2&pageSize=1`)).json() as {
      endpoints: EndpointDto[];
      total: number;
    };
    expect(paged).toMatchObject({ total: 2 });
    expect(paged.endpoints).toHaveLength(1);
    expect((await httpRequest(`${url}?pageSize=501`)).status).toBe(400);
    expect((await httpRequest(`${url}?sensitive=NOPE`)).status).toBe(400);
  });

  it('serves an OpenAPI 3.1 document that a validator accepts', async () => {
    for (const collection of await collections()) {
      const response = await httpRequest(`${base}/api/collections/${collection.id}/openapi.json`);
      expect(response.status).toBe(200);
      const document = response.json() as { openapi: string; paths: Record<string, unknown> };
      expect(document.openapi).toMatch(/^3\.1\./);
      expect(Object.keys(document.paths).length).toBe(collection.endpoints);
      const result = await new Validator().validate(document as never);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
    }
  });

  it('answers 404 in JSON for unknown ids and routes', async () => {
    for (const path of [
      '/api/collections/nope/endpoints',
      '/api/endpoints/nope',
      '/api/collections/nope/openapi.json',
      '/api/nothing',
    ]) {
      const response = await httpRequest(`${base}${path}`);
      expect(response.status).toBe(404);
      expect(response.json()).toMatchObject({ success: false });
    }
  });

  it('checks the 10 MB limit while streaming a chunked body', async () => {
    const chunk = 'x'.repeat(1024 * 1024);
    const chunks = (function* () {
      yield '{"batchData":[{"requestPayload":"';
      for (let i = 0; i < 11; i++) yield chunk;
      yield '"}]}';
    })();
    const response = await httpRequest(`${base}/api/ingestData`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      chunks,
    }).catch((error: unknown) => ({ status: -1, text: String(error) }));
    // Node may reset the socket while we are still writing; otherwise the answer is a JSON 413.
    if (response.status === -1) expect(response.text).toMatch(/EPIPE|ECONNRESET/);
    else expect(response.status).toBe(413);
    expect((await httpRequest(`${base}/healthz`)).status).toBe(200);
  });

  it('reports health and Prometheus metrics', async () => {
    for (const path of ['/healthz', '/healthCheck']) {
      const health = await httpRequest(`${base}${path}`);
      expect(health.json()).toMatchObject({ status: 'ok', lag: 0 });
    }
    const metrics = await httpRequest(`${base}/metrics`);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.text).toMatch(/^tapline_records_accepted_total 5$/m);
    expect(metrics.text).toMatch(/^tapline_records_processed_total 5$/m);
    expect(metrics.text).toMatch(/^tapline_inventory_lag_records 0$/m);
    expect(metrics.text).toMatch(/^tapline_inventory_endpoints 3$/m);
  });

  it('answers / with how to build the dashboard when it is not built', async () => {
    const response = await httpRequest(`${base}/`);
    if (response.headers['content-type']?.toString().startsWith('text/plain')) {
      expect(response.text).toContain('dashboard is not built');
    } else {
      expect(response.text).toContain('<');
    }
  });
});
