import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type {
  CollectionsResponse,
  EndpointDetailResponse,
  EndpointDto,
  EndpointsResponse,
} from '@tapline/contracts';
import { buildLayer } from '@tapline/extension';
import { LambdaEmulator, minimalRuntime } from '@tapline/lambda-emulator';
import { type RunningServer, startServer } from '@tapline/server';
import { FIXTURES_DIR, loadEventFixture } from '@tapline/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Every platform fixture, end to end: the event through the built layer on the Lambda emulator, the
// mirrored record into a real `tapline serve`, and the inventory read back through the query API.

const FUNCTIONS_DIR = path.join(FIXTURES_DIR, '..', 'functions');

interface Expectation {
  fixture: string;
  handler: 'appsync-resolver' | 'proxy-integration';
  collection: string;
  endpoint: string;
  declaredRoute?: true;
  /** The endpoint's auth types: the platform's beside those its headers show. */
  auth: string[];
  /** Request parameters as `<in>:<name>` that must be there (path names, GraphQL variables, …). */
  parameters: string[];
  /** Collection tags that must be there. */
  tags?: Record<string, string>;
}

const APPSYNC = 'xyz789.appsync-api.us-east-1.amazonaws.com';
const APPSYNC_EU = 'uvw456.appsync-api.eu-west-1.amazonaws.com';
const BLOG = 'api.blog.example.com';

const EXPECTED: Expectation[] = [
  {
    fixture: 'appsync-direct-query',
    handler: 'appsync-resolver',
    collection: APPSYNC,
    endpoint: 'POST /graphql/query/getPost',
    auth: ['AUTHORIZATION_HEADER', 'JWT', 'COGNITO'],
    parameters: ['body:variables#id', 'body:query#getPost#author#name'],
    tags: { source: 'AppSync' },
  },
  {
    fixture: 'appsync-direct-mutation',
    handler: 'appsync-resolver',
    collection: APPSYNC,
    endpoint: 'POST /graphql/mutation/createPost',
    auth: ['AUTHORIZATION_HEADER', 'IAM'],
    parameters: [
      'body:variables#input#title',
      'body:variables#input#authorEmail',
      'body:query#createPost#id',
    ],
  },
  {
    fixture: 'appsync-direct-lambda-authorizer',
    handler: 'appsync-resolver',
    collection: APPSYNC,
    endpoint: 'POST /graphql/query/listPosts',
    auth: ['AUTHORIZATION_HEADER', 'LAMBDA_AUTHORIZER'],
    parameters: ['body:variables#limit'],
  },
  {
    fixture: 'appsync-direct-api-key',
    handler: 'appsync-resolver',
    collection: BLOG,
    endpoint: 'POST /graphql/query/getPost',
    auth: ['API_KEY'],
    parameters: ['body:variables#id', 'header:x-api-key'],
  },
  {
    // BatchInvoke of a field of a non-root type: two records, one endpoint.
    fixture: 'appsync-direct-batch',
    handler: 'appsync-resolver',
    collection: BLOG,
    endpoint: 'POST /graphql/Post/author',
    auth: ['BEARER', 'JWT', 'OIDC'],
    parameters: ['body:query#author#email'],
  },
  {
    fixture: 'appsync-direct-cognito-groups',
    handler: 'appsync-resolver',
    collection: APPSYNC_EU,
    endpoint: 'POST /graphql/Post/comments',
    auth: ['AUTHORIZATION_HEADER', 'JWT', 'COGNITO'],
    parameters: ['body:variables#limit', 'body:query#comments#createdAt'],
  },
  {
    fixture: 'appsync-direct-iam-identity-pool',
    handler: 'appsync-resolver',
    collection: APPSYNC_EU,
    endpoint: 'POST /graphql/mutation/deletePost',
    auth: ['AUTHORIZATION_HEADER', 'IAM'],
    parameters: ['body:variables#id', 'body:variables#reason'],
  },
  {
    fixture: 'apigw-rest-cognito',
    handler: 'proxy-integration',
    collection: 'r3st4p1.execute-api.us-east-1.amazonaws.com#prod',
    endpoint: 'GET /orders/{orderId}',
    declaredRoute: true,
    auth: ['AUTHORIZATION_HEADER', 'JWT', 'COGNITO'],
    parameters: ['path:orderId'],
    tags: { stage: 'prod', apiId: 'r3st4p1' },
  },
  {
    // SigV4 caller plus a usage-plan API key: both mechanisms.
    fixture: 'apigw-rest-iam',
    handler: 'proxy-integration',
    collection: 'iamr3st.execute-api.eu-central-1.amazonaws.com#staging',
    endpoint: 'POST /reports/{year}/{month}',
    declaredRoute: true,
    auth: ['AUTHORIZATION_HEADER', 'API_KEY', 'IAM'],
    parameters: ['path:year', 'path:month', 'query:format'],
    tags: { stage: 'staging', apiId: 'iamr3st' },
  },
  {
    fixture: 'apigw-http-jwt',
    handler: 'proxy-integration',
    collection: 'h77pap1.execute-api.us-east-1.amazonaws.com#prod',
    endpoint: 'GET /users/{userId}/orders',
    declaredRoute: true,
    // The issuer is not a Cognito user pool: OIDC.
    auth: ['BEARER', 'JWT', 'OIDC'],
    parameters: ['path:userId', 'query:status'],
    tags: { stage: 'prod', apiId: 'h77pap1' },
  },
  {
    fixture: 'apigw-http-lambda-authorizer',
    handler: 'proxy-integration',
    collection: 'l4mbd4z.execute-api.ap-southeast-2.amazonaws.com#dev',
    endpoint: 'DELETE /items/{itemId}',
    declaredRoute: true,
    auth: ['AUTHORIZATION_HEADER', 'LAMBDA_AUTHORIZER'],
    parameters: ['path:itemId'],
    tags: { stage: 'dev', apiId: 'l4mbd4z' },
  },
  {
    // `$default` declares no route: the heuristics template the path (an ISBN segment stays static).
    fixture: 'apigw-http-default-route',
    handler: 'proxy-integration',
    collection: 'd3f4ult.execute-api.us-west-2.amazonaws.com#$default',
    endpoint: 'GET /catalog/books/978-3-16-148410-0',
    auth: ['UNAUTHENTICATED'],
    parameters: ['query:lang'],
    tags: { stage: '$default', apiId: 'd3f4ult' },
  },
];

/** Records the fixtures give: one each, two for the BatchInvoke. */
const RECORDS = EXPECTED.length + 1;

let server: RunningServer;
let scratch: string;
let collections: CollectionsResponse['collections'];
const endpointsByCollection = new Map<string, EndpointDto[]>();

async function get<T>(urlPath: string): Promise<T> {
  const res = await fetch(`${server.url}${urlPath}`);
  expect(res.status, urlPath).toBe(200);
  return (await res.json()) as T;
}

async function waitForRecords(count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { headSeq: number };
    if (health.headSeq >= count) return;
    if (Date.now() > deadline) throw new Error(`tapline serve got ${health.headSeq} of ${count} records`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'tapline-platform-e2e-'));
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir: path.join(scratch, 'data'),
    logLevel: 'warn',
  });
  const layer = await buildLayer({ outDir: path.join(scratch, 'layer') });
  for (const handler of ['appsync-resolver', 'proxy-integration'] as const) {
    const emulator = await LambdaEmulator.start({
      functionName: `platform-${handler}`,
      layerDir: layer.layerDir,
      env: {
        AWS_LAMBDA_EXEC_WRAPPER: path.join(layer.layerDir, 'wrapper-script.sh'),
        LRAP_LISTENER_PORT: String(await freePort()),
        TAPLINE_INGEST_URL: `${server.url}/api/ingestData`,
      },
      runtime: minimalRuntime(path.join(FUNCTIONS_DIR, handler), 'index.handler'),
      timeoutMs: 10_000,
      initTimeoutMs: 20_000,
    });
    try {
      for (const want of EXPECTED.filter((e) => e.handler === handler)) {
        const result = await emulator.invoke(loadEventFixture(want.fixture).bytes);
        expect(result.outcome, want.fixture).toBe('response');
      }
    } finally {
      await emulator.shutdown({ deadlineMs: 2000 });
    }
  }
  await waitForRecords(RECORDS, 20_000);
  await server.waitForInventory(30_000);
  collections = (await get<CollectionsResponse>('/api/collections?pageSize=500')).collections;
  for (const c of collections) {
    const page = await get<EndpointsResponse>(`/api/collections/${c.id}/endpoints?pageSize=500`);
    endpointsByCollection.set(c.name, page.endpoints);
  }
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
}, 30_000);

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

describe('platform fixtures → built layer on the emulator → tapline serve → query API', () => {
  it('has exactly the collections the fixtures name, and no endpoint besides the expected ones', () => {
    expect(collections.map((c) => c.name).sort()).toEqual(
      [...new Set(EXPECTED.map((e) => e.collection))].sort(),
    );
    const listed = [...endpointsByCollection].flatMap(([c, eps]) =>
      eps.map((e) => `${c} ${e.method} ${e.path}`),
    );
    expect(listed.sort()).toEqual(EXPECTED.map((e) => `${e.collection} ${e.endpoint}`).sort());
  });

  it.each(EXPECTED)('$fixture: $endpoint in $collection', async (want) => {
    const collection = collections.find((c) => c.name === want.collection);
    expect(collection, want.collection).toBeDefined();
    if (want.tags) expect(collection?.tags).toMatchObject(want.tags);
    if (!want.collection.includes('#')) expect(collection?.tags.stage).toBeUndefined();
    const endpoint = endpointsByCollection
      .get(want.collection)
      ?.find((e) => `${e.method} ${e.path}` === want.endpoint);
    expect(endpoint, want.endpoint).toBeDefined();
    if (endpoint === undefined) return;
    expect(endpoint.declaredRoute).toBe(want.declaredRoute);
    expect([...endpoint.authTypes].sort()).toEqual([...want.auth].sort());
    expect(endpoint.calls).toBe(want.fixture === 'appsync-direct-batch' ? 2 : 1);
    if (endpoint.path.startsWith('/graphql/')) expect(endpoint.graphql).toBeDefined();

    const detail = await get<EndpointDetailResponse>(`/api/endpoints/${endpoint.id}`);
    const request = detail.parameters.filter((p) => p.location === 'request').map((p) => `${p.in}:${p.name}`);
    expect(request).toEqual(expect.arrayContaining(want.parameters));
    // Path parameters are exactly the declared route's names (none for GraphQL and static paths).
    const pathNames = detail.parameters.filter((p) => p.in === 'path').map((p) => p.name);
    expect(pathNames.sort()).toEqual(
      want.parameters
        .filter((p) => p.startsWith('path:'))
        .map((p) => p.slice('path:'.length))
        .sort(),
    );
    // Identities and claims are not stored: the principal of the platform auth is nowhere in the answer.
    expect(JSON.stringify(detail)).not.toMatch(/arn:aws:(sts|iam)::123456789012|9b1c2d3e-4f5a|u-77/);

    // What the extension measured: one ok invocation per fixture; a BatchInvoke's items are one record
    // each, so each counts (with the batch's shared duration),
    // a cold start only for the first fixture each function environment ran, the function that served it.
    const performance = endpoint.performance;
    expect(performance, 'performance').not.toBeNull();
    expect(performance?.invocations).toBe(endpoint.calls);
    expect(performance?.errorRate).toBe(0);
    const firstOfItsFunction = EXPECTED.find((e) => e.handler === want.handler) === want;
    expect(performance?.coldStartRate).toBe(firstOfItsFunction ? 1 : 0);
    expect(performance?.p50Ms).toBeGreaterThan(0);
    expect(performance?.p50Ms).toBeLessThanOrEqual(performance?.p95Ms ?? 0);
    expect(performance?.p95Ms).toBeLessThanOrEqual(performance?.p99Ms ?? 0);
    expect(endpoint.functions.map((f) => [f.name, f.calls])).toEqual([
      [`platform-${want.handler}`, endpoint.calls],
    ]);
  });
});
