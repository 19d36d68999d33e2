import type { TrafficRecord } from '@tapline/contracts';
import { loadEventFixture } from '@tapline/testkit';
import { expect } from 'vitest';

/** What the function answers for a fixture, and what the mirrored record must then hold. */
export interface FixtureScenario {
  fixture: string;
  /** The bytes the runtime posts to /response (fake Runtime API tests). */
  response: string;
  /** Checks the request half and the bookkeeping fields. */
  checkRequest(record: TrafficRecord, functionName: string): void;
  /** Checks the response half for `response` above. */
  checkResponse(record: TrafficRecord): void;
}

const PROXY_RESULT = JSON.stringify({
  statusCode: 201,
  headers: { 'content-type': 'application/json', 'x-request-id': 'r-1' },
  multiValueHeaders: { 'x-multi': ['a', 'b'] },
  cookies: ['sid=1; HttpOnly'],
  body: '{"ok":true,"big":9007199254740993}',
  isBase64Encoded: false,
});

function common(record: TrafficRecord, functionName: string): void {
  expect(record.accountId).toBe('1000000');
  expect(record.vxlanId).toBe('0');
  expect(record.isPending).toBe(false);
  expect(record.source).toBe('MIRRORING');
  expect(record.type).toBe('HTTP/1.1');
  expect(record.tag.service).toBe('lambda');
  expect(record.tag.function).toBe(functionName);
  expect(Math.abs(record.time - Date.now() / 1000)).toBeLessThan(120);
}

function proxied(record: TrafficRecord): void {
  expect(record.statusCode).toBe(201);
  expect(record.status).toBe('Created');
  expect(record.responsePayload).toBe('{"ok":true,"big":9007199254740993}');
  expect(record.responseHeaders['content-type']).toBe('application/json');
  expect(record.responseHeaders['x-request-id']).toBe('r-1');
  expect(record.responseHeaders['x-multi']).toBe('a, b');
  expect(record.responseHeaders['set-cookie']).toBe('sid=1; HttpOnly');
}

export const FIXTURE_SCENARIOS: FixtureScenario[] = [
  {
    fixture: 'apigw-rest-v1',
    response: PROXY_RESULT,
    checkResponse: proxied,
    checkRequest(r, fn) {
      common(r, fn);
      expect(r.method).toBe('GET');
      expect(r.path).toBe('/users/42?expand=orders&limit=10');
      expect(r.ip).toBe('203.0.113.7');
      expect(r.requestHeaders.Host).toBe('abc123.execute-api.eu-west-1.amazonaws.com');
      expect(r.requestHeaders.Authorization).toMatch(/^Bearer eyJ/);
      expect(r.requestHeaders['X-Forwarded-For']).toBe('203.0.113.7, 10.0.0.12');
      expect(r.requestPayload).toBe('');
      expect(r.tag.source).toBeUndefined();
    },
  },
  {
    fixture: 'apigw-http-v2',
    response: PROXY_RESULT,
    checkResponse: proxied,
    checkRequest(r, fn) {
      common(r, fn);
      expect(r.method).toBe('POST');
      expect(r.path).toBe('/orders?dryRun=true');
      expect(r.ip).toBe('198.51.100.23');
      expect(r.requestHeaders.host).toBe('q1w2e3.execute-api.us-east-1.amazonaws.com');
      expect(r.requestHeaders.cookie).toBe('session_id=5f2b1c9e8d7a; theme=dark');
      expect(r.requestHeaders['x-api-key']).toBe('k-3f9a8b7c6d5e4f3a2b1c');
      expect(JSON.parse(r.requestPayload)).toEqual({
        customerEmail: 'jane@example.com',
        card: '4111 1111 1111 1111',
        items: [{ sku: 'A-1', qty: 2 }],
      });
    },
  },
  {
    fixture: 'function-url',
    response: PROXY_RESULT,
    checkResponse: proxied,
    checkRequest(r, fn) {
      common(r, fn);
      expect(r.method).toBe('POST');
      expect(r.path).toBe('/webhooks/stripe');
      expect(r.ip).toBe('54.187.174.169');
      expect(r.requestHeaders.host).toBe('abcdefghijklmnop.lambda-url.us-west-2.on.aws');
      expect(r.requestHeaders['stripe-signature']).toMatch(/^t=1492774577,v1=/);
      expect(JSON.parse(r.requestPayload).data.object.receipt_email).toBe('buyer@example.org');
    },
  },
  {
    fixture: 'alb',
    response: PROXY_RESULT,
    checkResponse: proxied,
    checkRequest(r, fn) {
      common(r, fn);
      expect(r.method).toBe('PUT');
      expect(r.path).toBe('/inventory/items/5f8d0d55b54764421b7156c9');
      expect(r.ip).toBe('192.0.2.44');
      expect(r.requestHeaders.host).toBe('internal-alb-123.us-east-1.elb.amazonaws.com');
      expect(r.requestHeaders.cookie).toBe('session_id=abc; other=1');
      expect(r.requestPayload).toBe('{"name":"widget","price":19.99,"supplierPhone":"+1 650 253 0000"}');
    },
  },
  {
    fixture: 'appsync-js',
    response: '{"id":"p-1","title":"Hello","views":9007199254740993}',
    checkResponse(r) {
      expect(r.statusCode).toBe(200);
      expect(r.responsePayload).toBe(
        '{"data":{"createPost":{"id":"p-1","title":"Hello","views":9007199254740993}}}',
      );
    },
    checkRequest(r, fn) {
      common(r, fn);
      expect(r.method).toBe('POST');
      expect(r.path).toBe('/graphql');
      expect(r.ip).toBe('198.51.100.7');
      expect(r.tag.source).toBe('AppSync');
      expect(r.requestHeaders.host).toBe('xyz789.appsync-api.us-east-1.amazonaws.com');
      expect(r.requestPayload).toBe(
        '{"operationName":"createPost","query":"","variables":{"input":{"title":"Hello","authorEmail":"ada@example.com"}}}',
      );
    },
  },
  {
    fixture: 'appsync-vtl',
    response: '{"id":"7d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b","title":"T"}',
    checkResponse(r) {
      expect(r.responsePayload).toBe(
        '{"data":{"getPost":{"id":"7d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b","title":"T"}}}',
      );
    },
    checkRequest(r, fn) {
      common(r, fn);
      expect(r.path).toBe('/graphql');
      expect(r.ip).toBe('203.0.113.99, 130.176.1.1');
      expect(r.tag.source).toBe('AppSync');
      expect(r.requestHeaders['x-api-key']).toBe('da2-abcdefghijklmnopqrstuvwxyz');
      expect(JSON.parse(r.requestPayload)).toEqual({
        operationName: 'getPost',
        query: '',
        variables: { id: '7d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b' },
      });
    },
  },
  {
    fixture: 'direct-invoke',
    response: loadEventFixture('direct-invoke').text,
    checkResponse(r) {
      expect(r.responsePayload).toBe(loadEventFixture('direct-invoke').text);
      expect(r.statusCode).toBe(200);
    },
    checkRequest(r, fn) {
      common(r, fn);
      const raw = loadEventFixture('direct-invoke').text;
      expect(r.method).toBe('POST');
      expect(r.path).toBe(`/${fn}`);
      expect(r.requestPayload).toBe(raw);
      expect(r.requestPayload).toContain('9007199254740993');
      expect(r.requestPayload).toContain('<b>ships</b> & bills');
    },
  },
  {
    fixture: 'array-event',
    response: '"done"',
    checkResponse(r) {
      expect(r.responsePayload).toBe('"done"');
      expect(r.statusCode).toBe(200);
    },
    checkRequest(r, fn) {
      common(r, fn);
      expect(r.method).toBe('POST');
      expect(r.path).toBe(`/${fn}`);
      expect(r.requestPayload).toBe(loadEventFixture('array-event').text);
    },
  },
];
