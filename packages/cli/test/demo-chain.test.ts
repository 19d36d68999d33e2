import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPSYNC_HOST, type RunningDemo, startDemo } from '../src/demo/run-demo.js';
import { REST_V1_HOST } from '../src/demo/traffic.js';

// The whole chain: GraphQL over HTTP → simulated AppSync → Tapline's VTL request template → Lambda emulator
// with the built layer (wrapper + extension proxy) → POST /api/ingestData of a real `tapline serve` → query API.

interface Collection {
  id: number | string;
  name: string;
  host: string | null;
  tags: unknown;
  endpoints: number;
}
interface Endpoint {
  id: number | string;
  method: string;
  path: string;
}
interface Parameter {
  location: string;
  in?: string;
  name: string;
  types: string[];
  sensitive: string[];
}

let demo: RunningDemo;
const logs: string[] = [];

beforeAll(async () => {
  demo = await startDemo({
    port: 0,
    requests: 24,
    log: (line) => logs.push(line),
    progress: new PassThrough() as unknown as NodeJS.WriteStream,
  });
}, 60_000);
afterAll(async () => {
  await demo?.stop();
}, 30_000);

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${demo.serverUrl}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

function tagsOf(c: Collection): Record<string, string> {
  if (Array.isArray(c.tags)) {
    return Object.fromEntries(
      (c.tags as unknown[]).map((t) =>
        typeof t === 'string'
          ? (t.split('=') as [string, string])
          : [(t as { key: string }).key, (t as { value: string }).value],
      ),
    );
  }
  return c.tags as Record<string, string>;
}

describe('tapline demo: GraphQL → resolver template → emulator → layer → tapline serve', () => {
  it('answers every request', () => {
    expect(demo.sent).toEqual({ ok: 24, failed: 0 });
  });

  it('the simulated AppSync answers like AppSync (data, and 401 without the API key)', async () => {
    const ok = await fetch(demo.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': demo.apiKey },
      body: JSON.stringify({ query: '{ getUser(id: "usr_1002") { id email orders { id } } }' }),
    });
    expect(await ok.json()).toEqual({
      data: { getUser: { id: 'usr_1002', email: 'grace@example.org', orders: [{ id: 'ord_5001' }] } },
    });
    const denied = await fetch(demo.graphqlUrl, {
      method: 'POST',
      body: '{"query":"{ getUser(id: 1) { id } }"}',
    });
    expect(denied.status).toBe(401);
  });

  it('shows POST /graphql/query/<field> and /graphql/mutation/<field> in a collection tagged service=lambda, source=AppSync', async () => {
    const { collections } = await get<{ collections: Collection[] }>('/api/collections?pageSize=500');
    const graphql = collections.find((c) => c.host === APPSYNC_HOST || c.name === APPSYNC_HOST);
    expect(graphql, JSON.stringify(collections)).toBeDefined();
    expect(tagsOf(graphql!)).toMatchObject({ service: 'lambda', source: 'AppSync' });

    const { endpoints } = await get<{ endpoints: Endpoint[] }>(`/api/collections/${graphql!.id}/endpoints`);
    const names = endpoints.map((e) => `${e.method} ${e.path}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /graphql/query/getUser',
        'POST /graphql/query/listOrders',
        'POST /graphql/query/searchProducts',
        'POST /graphql/mutation/createOrder',
        'POST /graphql/mutation/updateProfile',
        'POST /graphql/mutation/cancelOrder',
        // User.orders has a direct Lambda resolver: no template, the extension read AppSync's context.
        'POST /graphql/User/orders',
      ]),
    );
    expect(names.every((n) => n.startsWith('POST /graphql/'))).toBe(true);

    // The REST function's traffic is its own collection, tagged service=lambda but not source=AppSync.
    // Its API Gateway stage is the collection: `<host>#prod`, tagged with the stage, declared routes as endpoints.
    const rest = collections.find((c) => c.name === `${REST_V1_HOST}#prod`);
    expect(rest, JSON.stringify(collections.map((c) => c.name))).toBeDefined();
    expect(rest!.host).toBe(REST_V1_HOST);
    expect(tagsOf(rest!)).toMatchObject({ service: 'lambda', stage: 'prod' });
    expect(tagsOf(rest!).source).toBeUndefined();
    const restEndpoints = await get<{ endpoints: Endpoint[] }>(`/api/collections/${rest!.id}/endpoints`);
    expect(restEndpoints.endpoints.map((e) => `${e.method} ${e.path}`).sort()).toEqual([
      'GET /orders',
      'GET /users/{id}',
      'POST /orders',
    ]);
  });

  it('the field served by a direct Lambda resolver is an endpoint of its own, with its selection and response', async () => {
    expect(logs.some((l) => l.includes('direct Lambda resolver (no template) on User.orders'))).toBe(true);
    const { collections } = await get<{ collections: Collection[] }>('/api/collections?pageSize=500');
    const graphql = collections.find((c) => c.name === APPSYNC_HOST)!;
    const { endpoints } = await get<{ endpoints: (Endpoint & { calls: number; graphql?: unknown })[] }>(
      `/api/collections/${graphql.id}/endpoints`,
    );
    const orders = endpoints.find((e) => e.path === '/graphql/User/orders')!;
    const getUser = endpoints.find((e) => e.path === '/graphql/query/getUser')!;
    // Every getUser selects orders, so the direct resolver ran once per getUser call.
    expect(orders.calls).toBe(getUser.calls);
    expect(orders.graphql).toEqual({ operationType: null, field: 'orders' });
    const detail = await get<{ parameters: Parameter[] }>(`/api/endpoints/${orders.id}`);
    const names = detail.parameters.map((p) => `${p.location}:${p.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'request:query#orders#id',
        'request:query#orders#status',
        'response:data#orders#$#total',
        'request:x-api-key',
      ]),
    );
  });

  it('the mutation endpoint has the variables as typed request parameters', async () => {
    const { collections } = await get<{ collections: Collection[] }>('/api/collections?pageSize=500');
    const graphql = collections.find((c) => c.host === APPSYNC_HOST || c.name === APPSYNC_HOST)!;
    const { endpoints } = await get<{ endpoints: Endpoint[] }>(`/api/collections/${graphql.id}/endpoints`);
    const createOrder = endpoints.find((e) => e.path === '/graphql/mutation/createOrder')!;
    const detail = await get<{ parameters: Parameter[] }>(`/api/endpoints/${createOrder.id}`);
    const request = detail.parameters.filter((p) => p.location === 'request' || p.location === 'REQUEST');
    const byName = (suffix: string) => request.find((p) => p.name.endsWith(suffix));
    expect(byName('customerEmail')?.types, JSON.stringify(request.map((p) => p.name))).toContain('EMAIL');
    expect(byName('customerEmail')?.sensitive).toContain('EMAIL');
    // selectionSetGraphQL reached the inventory: the selected fields are part of the endpoint's request schema.
    expect(byName('query#createOrder#items#sku')).toBeDefined();
    expect(byName('x-api-key')).toBeDefined();
    expect(byName('cardNumber')?.types).toContain('CREDIT_CARD');
    expect(byName('shippingAddress#city')).toBeDefined();
    expect(byName('items#$#quantity')?.types.some((t) => t.startsWith('INTEGER'))).toBe(true);

    const getUser = endpoints.find((e) => e.path === '/graphql/query/getUser')!;
    const userDetail = await get<{ parameters: Parameter[] }>(`/api/endpoints/${getUser.id}`);
    const names = userDetail.parameters.map((p) => p.name);
    expect(names.some((n) => n.endsWith('id'))).toBe(true);
    // The response parameters come from the selection set's answer: the user's email is seen there.
    const response = userDetail.parameters.filter(
      (p) => p.location !== 'request' && p.location !== 'REQUEST',
    );
    expect(response.some((p) => p.name.endsWith('email') && p.types.includes('EMAIL'))).toBe(true);
  });
});
