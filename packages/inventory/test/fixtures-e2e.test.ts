import { Validator } from '@seriousme/openapi-schema-validator';
import type { TrafficRecord } from '@tapline/contracts';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, type InventoryChanges, InventoryEngine } from '../src/index.js';
import { fixtureEvent, logged, record } from './helpers/records.js';

/** The records Tapline's extension produces for each fixture event (written out by hand). */
function apigwRestV1(): TrafficRecord {
  const e = fixtureEvent('apigw-rest-v1.json');
  return record({
    path: '/users/42?expand=orders&limit=10',
    method: 'GET',
    requestHeaders: e.headers as Record<string, string>,
    ip: '203.0.113.7, 10.0.0.12',
    responseHeaders: { 'content-type': 'application/json' },
    responsePayload: '{"id":42,"email":"jane@example.com"}',
    tag: { service: 'lambda', function: 'users-api' },
  });
}

function apigwHttpV2(): TrafficRecord {
  const e = fixtureEvent('apigw-http-v2.json');
  const headers = { ...(e.headers as Record<string, string>), cookie: (e.cookies as string[]).join('; ') };
  return record({
    path: '/orders?dryRun=true',
    method: 'POST',
    requestHeaders: headers,
    requestPayload: Buffer.from(e.body as string, 'base64').toString('utf8'),
    ip: '198.51.100.23',
    statusCode: 201,
    responsePayload: '{"orderId":"ord_8f1c3a2e0d6b","status":"created"}',
    tag: { service: 'lambda', function: 'orders-api' },
  });
}

function alb(): TrafficRecord {
  const e = fixtureEvent('alb.json');
  return record({
    path: e.path as string,
    method: 'PUT',
    requestHeaders: e.headers as Record<string, string>,
    requestPayload: e.body as string,
    ip: '192.0.2.44',
    responsePayload: '{"ok":true}',
    tag: { service: 'lambda', function: 'inventory' },
  });
}

function functionUrl(): TrafficRecord {
  const e = fixtureEvent('function-url.json');
  return record({
    path: '/webhooks/stripe',
    method: 'POST',
    requestHeaders: e.headers as Record<string, string>,
    requestPayload: e.body as string,
    ip: '54.187.174.169',
    responsePayload: '{"received":true}',
    tag: { service: 'lambda', function: 'stripe-webhook' },
  });
}

function appSync(
  file: 'appsync-vtl.json' | 'appsync-js.json',
  extra: Record<string, unknown> = {},
): TrafficRecord {
  const akto = fixtureEvent(file).akto_data as Record<string, unknown>;
  const payload = { ...(JSON.parse(akto.requestPayload as string) as object), ...extra };
  const field = (payload as { operationName: string }).operationName;
  return record({
    path: akto.path as string,
    method: 'POST',
    requestHeaders: akto.requestHeaders as Record<string, string>,
    requestPayload: JSON.stringify(payload),
    ip: akto.ip as string,
    responsePayload: JSON.stringify({
      data: { [field]: { id: '7d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b', title: 'Hello' } },
    }),
    tag: { service: 'lambda', function: 'posts-resolver', source: 'AppSync' },
  });
}

function direct(file: 'array-event.json' | 'direct-invoke.json', fn: string): TrafficRecord {
  return record({
    path: `/${fn}`,
    method: 'POST',
    requestHeaders: { 'content-type': 'application/json' },
    requestPayload: JSON.stringify(fixtureEvent(file)),
    ip: '',
    responsePayload: '{"ok":true}',
    tag: { service: 'lambda', function: fn },
  });
}

function apply(...records: TrafficRecord[]): InventoryChanges {
  const engine = new InventoryEngine();
  engine.apply(logged(records));
  return engine.takeChanges();
}

function param(c: InventoryChanges, name: string, where?: string) {
  return c.parameters.find((p) => p.name === name && (where === undefined || p.in === where));
}

async function expectValidOpenApi(c: InventoryChanges): Promise<void> {
  for (const collection of c.collections) {
    const doc = buildOpenApiDocument({
      collection,
      endpoints: c.endpoints.filter((e) => e.collectionId === collection.id),
      parameters: c.parameters,
      samples: c.samples.flatMap((s) => s.samples),
    });
    const result = await new Validator().validate(doc);
    expect(result.errors ?? [], collection.name).toEqual([]);
    expect(result.valid).toBe(true);
  }
}

describe('end to end from the fixture events', () => {
  it('apigw-rest-v1.json: host collection, GET /users/INTEGER, query params, BEARER + JWT', async () => {
    const c = apply(apigwRestV1());
    expect(c.collections.map((x) => [x.name, x.tags])).toEqual([
      ['abc123.execute-api.eu-west-1.amazonaws.com', { service: 'lambda', function: 'users-api' }],
    ]);
    expect(c.endpoints.map((e) => [e.method, e.path, e.authTypes])).toEqual([
      ['GET', '/users/INTEGER', ['BEARER', 'JWT']],
    ]);
    expect(param(c, 'limit', 'query')?.types).toEqual(['INTEGER_32']);
    expect(param(c, 'expand', 'query')?.examples).toEqual(['orders']);
    expect(param(c, 'INTEGER2', 'path')?.examples).toEqual(['42']);
    expect(param(c, 'email', 'body')?.sensitive).toEqual(['EMAIL']);
    expect(param(c, 'authorization', 'header')?.examples).toEqual(['****']);
    expect(c.samples[0]?.samples[0]?.request.headers.authorization).toBe('Bearer ****');
    await expectValidOpenApi(c);
  });

  it('apigw-http-v2.json: POST /orders, card and email in the decoded body, API_KEY + SESSION_TOKEN', async () => {
    const c = apply(apigwHttpV2());
    expect(c.endpoints.map((e) => [e.method, e.path, e.authTypes, e.statusCodes])).toEqual([
      ['POST', '/orders', ['API_KEY', 'SESSION_TOKEN'], [201]],
    ]);
    expect(param(c, 'card', 'body')?.types).toEqual(['CREDIT_CARD']);
    expect(param(c, 'customerEmail', 'body')?.types).toEqual(['EMAIL']);
    expect(param(c, 'items#$#qty', 'body')?.types).toEqual(['INTEGER_32']);
    expect(param(c, 'dryRun', 'query')?.types).toEqual(['TRUE']);
    expect(param(c, 'session_id', 'cookie')?.sensitive).toEqual(['SECRET']);
    const sample = JSON.stringify(c.samples[0]?.samples[0]);
    expect(sample).not.toContain('4111');
    expect(sample).not.toContain('k-3f9a8b7c6d5e4f3a2b1c');
    await expectValidOpenApi(c);
  });

  it('alb.json: PUT /inventory/items/OBJECT_ID, phone in the body, session cookie', async () => {
    const c = apply(alb());
    expect(c.endpoints.map((e) => [e.method, e.path, e.authTypes])).toEqual([
      ['PUT', '/inventory/items/OBJECT_ID', ['SESSION_TOKEN']],
    ]);
    expect(param(c, 'supplierPhone', 'body')?.types).toEqual(['PHONE_NUMBER']);
    expect(param(c, 'price', 'body')?.types).toEqual(['FLOAT']);
    expect(c.collections[0]?.name).toBe('internal-alb-123.us-east-1.elb.amazonaws.com');
    await expectValidOpenApi(c);
  });

  it('function-url.json: POST /webhooks/stripe on the function URL host, nested email', async () => {
    const c = apply(functionUrl());
    expect(c.collections[0]?.name).toBe('abcdefghijklmnop.lambda-url.us-west-2.on.aws');
    expect(c.endpoints.map((e) => [e.method, e.path, e.authTypes])).toEqual([
      ['POST', '/webhooks/stripe', ['UNAUTHENTICATED']],
    ]);
    expect(param(c, 'data#object#receipt_email', 'body')?.sensitive).toEqual(['EMAIL']);
    expect(param(c, 'stripe-signature', 'header')?.sensitive).toEqual(['SECRET']);
    await expectValidOpenApi(c);
  });

  it('appsync-vtl.json: AppSync collection, POST /graphql/getPost, and POST /graphql/query/getPost with parentTypeName', async () => {
    const c = apply(
      appSync('appsync-vtl.json'),
      appSync('appsync-vtl.json', { parentTypeName: 'Query', selectionSetGraphQL: '{ id title }' }),
    );
    expect(c.collections.map((x) => [x.name, x.tags.source])).toEqual([
      ['xyz789.appsync-api.us-east-1.amazonaws.com', 'AppSync'],
    ]);
    expect(c.endpoints.map((e) => [e.method, e.path, e.authTypes]).sort()).toEqual([
      ['POST', '/graphql/getPost', ['API_KEY']],
      ['POST', '/graphql/query/getPost', ['API_KEY']],
    ]);
    expect(param(c, 'variables#id', 'body')?.types).toEqual(['UUID']);
    expect(param(c, 'query#getPost#title', 'body')).toBeDefined();
    expect(param(c, 'data#getPost#title', 'body')?.location).toBe('response');
    await expectValidOpenApi(c);
  });

  it('appsync-js.json: raw JWT authorization → AUTHORIZATION_HEADER + JWT; email variable is sensitive', async () => {
    const c = apply(appSync('appsync-js.json', { parentTypeName: 'Mutation' }));
    expect(c.endpoints.map((e) => [e.path, e.authTypes, e.sensitive])).toEqual([
      ['/graphql/mutation/createPost', ['AUTHORIZATION_HEADER', 'JWT'], ['EMAIL']],
    ]);
    expect(param(c, 'variables#input#authorEmail', 'body')?.types).toEqual(['EMAIL']);
    const sample = c.samples[0]?.samples[0];
    expect(sample?.request.body).not.toContain('ada@example.com');
    expect(sample?.request.headers.authorization).toBe('****');
    await expectValidOpenApi(c);
  });

  it('array-event.json and direct-invoke.json: direct invocations under /<function> in the vxlan collection', async () => {
    const c = apply(direct('array-event.json', 'batcher'), direct('direct-invoke.json', 'orders-worker'));
    expect(c.collections.map((x) => x.name)).toEqual(['vxlan-0']);
    expect(c.endpoints.map((e) => `${e.method} ${e.path}`).sort()).toEqual([
      'POST /batcher',
      'POST /orders-worker',
    ]);
    expect(param(c, '$#id', 'body')?.types).toEqual(['INTEGER_32']);
    expect(param(c, 'orderId', 'body')?.types).toEqual(['INTEGER_64']);
    expect(param(c, 'note', 'body')?.examples).toEqual(['<b>ships</b> & bills']);
    await expectValidOpenApi(c);
  });
});
