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
  /** Records one invocation gives (a BatchInvoke gives one per item); 1 when absent. */
  records?: number;
  /** Checks every record of the invocation (BatchInvoke). */
  checkAll?(records: readonly TrafficRecord[]): void;
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
      expect(r).toMatchObject({ declaredRoute: '/users/{id}', apiStage: 'prod', apiId: 'abc123' });
      expect(r.platformAuth).toBeUndefined();
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
      expect(r).toMatchObject({ declaredRoute: '/orders', apiStage: '$default', apiId: 'q1w2e3' });
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
      // A function URL is not API Gateway: no route, stage or API id.
      expect(r.declaredRoute ?? r.apiStage ?? r.apiId).toBeUndefined();
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
  ...platformScenarios(),
];

const APPSYNC_HOST = 'xyz789.appsync-api.us-east-1.amazonaws.com';

function graphqlBody(r: TrafficRecord): Record<string, unknown> {
  return JSON.parse(r.requestPayload) as Record<string, unknown>;
}

/** Fixtures whose platform facts (route, stage, API id, auth) the extension reads. */
function platformScenarios(): FixtureScenario[] {
  return [
    {
      fixture: 'appsync-direct-query',
      response: '{"id":"7d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b","title":"First post","views":9007199254740993}',
      checkResponse(r) {
        expect(r.statusCode).toBe(200);
        expect(r.responsePayload).toBe(
          '{"data":{"getPost":{"id":"7d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b","title":"First post","views":9007199254740993}}}',
        );
      },
      checkRequest(r, fn) {
        common(r, fn);
        expect(r).toMatchObject({ method: 'POST', path: '/graphql', ip: '198.51.100.7' });
        expect(r.tag.source).toBe('AppSync');
        expect(r.requestHeaders.host).toBe(APPSYNC_HOST);
        expect(graphqlBody(r)).toEqual({
          operationName: 'getPost',
          query: '',
          variables: { id: '7d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b' },
          parentTypeName: 'Query',
          selectionSetGraphQL: '{\n  id\n  title\n  author {\n    name\n  }\n}',
        });
        expect(r.declaredRoute).toBeUndefined();
        expect(r.platformAuth).toEqual([
          {
            type: 'COGNITO',
            principal: '4a8e1c52-3f0b-4d7e-9a61-2b7c9d0e1f23',
            issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Xy9AbCdEf',
            claims: expect.objectContaining({
              email: 'ada@example.com',
              'cognito:username': 'ada',
              token_use: 'id',
              email_verified: 'true',
            }),
          },
        ]);
      },
    },
    {
      fixture: 'appsync-direct-mutation',
      response: '{"id":"p-9","title":"Ada\'s post"}',
      checkResponse(r) {
        expect(r.responsePayload).toBe('{"data":{"createPost":{"id":"p-9","title":"Ada\'s post"}}}');
      },
      checkRequest(r, fn) {
        common(r, fn);
        expect(r).toMatchObject({ method: 'POST', path: '/graphql', ip: '203.0.113.99' });
        expect(graphqlBody(r)).toMatchObject({
          operationName: 'createPost',
          parentTypeName: 'Mutation',
          variables: { input: { title: "Ada's post", body: '<b>hello</b> & welcome' } },
        });
        expect(r.platformAuth).toEqual([
          {
            type: 'IAM',
            principal: 'arn:aws:sts::123456789012:assumed-role/publisher/session-1',
            accountId: '123456789012',
            claims: { username: 'AROAEXAMPLEID:session-1' },
          },
        ]);
      },
    },
    {
      fixture: 'appsync-direct-batch',
      response: '[{"name":"Ada","email":"ada@example.com"},{"name":"Grace","email":"grace@example.com"}]',
      records: 2,
      checkResponse(r) {
        expect(r.responsePayload).toBe('{"data":{"author":{"name":"Ada","email":"ada@example.com"}}}');
      },
      checkRequest(r, fn) {
        common(r, fn);
        expect(r).toMatchObject({ method: 'POST', path: '/graphql/Post/author', ip: '192.0.2.10' });
        expect(r.requestHeaders.host).toBe('api.blog.example.com');
        expect(graphqlBody(r)).toEqual({
          operationName: 'author',
          query: '',
          variables: {},
          parentTypeName: 'Post',
          selectionSetGraphQL: '{\n  name\n  email\n}',
        });
        expect(r.platformAuth).toEqual([
          {
            type: 'OIDC',
            principal: 'auth0|5f1b2c3d4e',
            issuer: 'https://login.example.com/',
            claims: { aud: 'graphql-api', scope: 'openid posts:read' },
          },
        ]);
      },
      checkAll(records) {
        expect(records.map((r) => r.responsePayload)).toEqual([
          '{"data":{"author":{"name":"Ada","email":"ada@example.com"}}}',
          '{"data":{"author":{"name":"Grace","email":"grace@example.com"}}}',
        ]);
        expect(records[1]!.path).toBe('/graphql/Post/author');
        // One invocation: the same measured duration on both items.
        expect(records[1]!.performance?.durationMs).toBe(records[0]!.performance?.durationMs);
      },
    },
    {
      fixture: 'appsync-direct-lambda-authorizer',
      response: '[{"id":"1","title":"First post"}]',
      checkResponse(r) {
        expect(r.responsePayload).toBe('{"data":{"listPosts":[{"id":"1","title":"First post"}]}}');
      },
      checkRequest(r, fn) {
        common(r, fn);
        expect(graphqlBody(r)).toMatchObject({ operationName: 'listPosts', variables: { limit: 10 } });
        expect(r.platformAuth).toEqual([
          { type: 'LAMBDA_AUTHORIZER', claims: { userId: 'u-77', tenant: 'acme', plan: 'pro' } },
        ]);
      },
    },
    {
      fixture: 'appsync-direct-api-key',
      response: '{"id":"7d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b","title":"T"}',
      checkResponse(r) {
        expect(r.responsePayload).toBe(
          '{"data":{"getPost":{"id":"7d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b","title":"T"}}}',
        );
      },
      checkRequest(r, fn) {
        common(r, fn);
        expect(r.requestHeaders.host).toBe('api.blog.example.com');
        expect(r.requestHeaders['x-api-key']).toBe('da2-abcdefghijklmnopqrstuvwxyz');
        expect(r.platformAuth).toEqual([{ type: 'API_KEY' }]);
      },
    },
    {
      fixture: 'appsync-direct-cognito-groups',
      response: '[{"id":"c-1","body":"Nice","createdAt":"2026-11-24T10:15:02Z"}]',
      checkResponse(r) {
        expect(r.responsePayload).toBe(
          '{"data":{"comments":[{"id":"c-1","body":"Nice","createdAt":"2026-11-24T10:15:02Z"}]}}',
        );
      },
      checkRequest(r, fn) {
        common(r, fn);
        // A field of a non-root type, resolved by its own (direct) resolver.
        expect(r).toMatchObject({ method: 'POST', path: '/graphql/Post/comments', ip: '192.0.2.44' });
        expect(r.requestHeaders.host).toBe('uvw456.appsync-api.eu-west-1.amazonaws.com');
        expect(graphqlBody(r)).toEqual({
          operationName: 'comments',
          query: '',
          variables: { limit: 5 },
          parentTypeName: 'Post',
          selectionSetGraphQL: '{\n  id\n  body\n  createdAt\n}',
        });
        expect(r.platformAuth).toEqual([
          {
            type: 'COGNITO',
            principal: '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
            issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123dEf',
            claims: expect.objectContaining({ 'cognito:groups': '["editors"]', email: 'grace@example.com' }),
          },
        ]);
      },
    },
    {
      fixture: 'appsync-direct-iam-identity-pool',
      response: '{"id":"p-7","deleted":true}',
      checkResponse(r) {
        expect(r.responsePayload).toBe('{"data":{"deletePost":{"id":"p-7","deleted":true}}}');
      },
      checkRequest(r, fn) {
        common(r, fn);
        expect(r).toMatchObject({ method: 'POST', path: '/graphql' });
        expect(graphqlBody(r)).toMatchObject({
          operationName: 'deletePost',
          parentTypeName: 'Mutation',
          variables: { id: 'p-7', reason: 'duplicate' },
        });
        // Credentials from a Cognito identity pool: IAM, with the pool's ids; the session token is not kept.
        expect(r.platformAuth).toEqual([
          {
            type: 'IAM',
            principal: 'arn:aws:sts::123456789012:assumed-role/blog-authenticated/CognitoIdentityCredentials',
            accountId: '123456789012',
            claims: {
              username: 'AROAEXAMPLEROLEID:CognitoIdentityCredentials',
              cognitoIdentityId: 'eu-west-1:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
              cognitoIdentityPoolId: 'eu-west-1:6f5e4d3c-2b1a-4f9e-8d7c-6b5a4f3e2d1c',
              cognitoIdentityAuthType: 'authenticated',
            },
          },
        ]);
        expect(JSON.stringify(r.platformAuth)).not.toContain('IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN');
      },
    },
    {
      fixture: 'apigw-rest-cognito',
      response: PROXY_RESULT,
      checkResponse: proxied,
      checkRequest(r, fn) {
        common(r, fn);
        expect(r).toMatchObject({ method: 'GET', path: '/orders/ord-1842', ip: '203.0.113.21' });
        expect(r).toMatchObject({ declaredRoute: '/orders/{orderId}', apiStage: 'prod', apiId: 'r3st4p1' });
        expect(r.platformAuth).toHaveLength(1);
        expect(r.platformAuth?.[0]).toMatchObject({
          type: 'COGNITO',
          principal: '9b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
          issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E',
          claims: expect.objectContaining({ email: 'jane@example.com', 'cognito:groups': 'customers' }),
        });
      },
    },
    {
      fixture: 'apigw-rest-iam',
      response: PROXY_RESULT,
      checkResponse: proxied,
      checkRequest(r, fn) {
        common(r, fn);
        expect(r).toMatchObject({ method: 'POST', path: '/reports/2026/11?format=csv' });
        expect(r).toMatchObject({
          declaredRoute: '/reports/{year}/{month}',
          apiStage: 'staging',
          apiId: 'iamr3st',
        });
        expect(r.platformAuth).toEqual([
          {
            type: 'IAM',
            principal: 'arn:aws:sts::123456789012:assumed-role/report-job/i-0abc123',
            accountId: '123456789012',
            claims: { principalOrgId: 'o-a1b2c3d4e5' },
          },
          { type: 'API_KEY', principal: 'k7l8m9n0p1' },
        ]);
        // The key itself and the access key id are credentials: never in the platform fields.
        expect(JSON.stringify(r.platformAuth)).not.toContain('Qw3rTy5Ui0pAs1dF2gH4jK6lZ8xC0vB');
        expect(JSON.stringify(r.platformAuth)).not.toContain('ASIAEXAMPLEKEYID');
      },
    },
    {
      fixture: 'apigw-http-jwt',
      response: PROXY_RESULT,
      checkResponse: proxied,
      checkRequest(r, fn) {
        common(r, fn);
        expect(r).toMatchObject({ method: 'GET', path: '/users/u-1001/orders?status=open' });
        expect(r).toMatchObject({
          declaredRoute: '/users/{userId}/orders',
          apiStage: 'prod',
          apiId: 'h77pap1',
        });
        expect(r.platformAuth).toEqual([
          {
            type: 'OIDC',
            principal: 'u-1001',
            issuer: 'https://auth.example.com/',
            scopes: ['orders:read', 'profile'],
            claims: { aud: 'orders-api', scope: 'orders:read profile', exp: '1795518902', iat: '1795515302' },
          },
        ]);
      },
    },
    {
      fixture: 'apigw-http-lambda-authorizer',
      response: PROXY_RESULT,
      checkResponse: proxied,
      checkRequest(r, fn) {
        common(r, fn);
        expect(r).toMatchObject({
          method: 'DELETE',
          declaredRoute: '/items/{itemId}',
          apiStage: 'dev',
          apiId: 'l4mbd4z',
        });
        expect(r.platformAuth).toEqual([
          { type: 'LAMBDA_AUTHORIZER', claims: { tenantId: 'acme', role: 'admin', userId: '42' } },
        ]);
      },
    },
    {
      fixture: 'apigw-http-default-route',
      response: PROXY_RESULT,
      checkResponse: proxied,
      checkRequest(r, fn) {
        common(r, fn);
        expect(r.path).toBe('/catalog/books/978-3-16-148410-0?lang=en');
        expect(r.declaredRoute).toBeUndefined();
        expect(r).toMatchObject({ apiStage: '$default', apiId: 'd3f4ult' });
        expect(r.platformAuth).toBeUndefined();
      },
    },
  ];
}
