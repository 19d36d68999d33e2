import { randomUUID } from 'node:crypto';
import type { GraphqlRequest } from './local-appsync.js';

/** One request of the demo stream: a GraphQL call over HTTP, or an API Gateway event for the REST function. */
export type DemoRequest =
  | { kind: 'graphql'; label: string; body: GraphqlRequest; headers: Record<string, string> }
  | { kind: 'rest'; label: string; event: Record<string, unknown> };

export const REST_V1_HOST = 'shop-rest.execute-api.us-east-1.amazonaws.com';
export const REST_V2_HOST = 'catalog.lambda-url.us-east-1.on.aws';

/** Small deterministic PRNG (mulberry32), so a demo run is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EMAILS = ['ada@example.com', 'grace@example.org', 'alan@example.net', 'katherine.johnson@example.com'];
// Card numbers from the card networks' published test ranges (Luhn-valid, never real accounts).
const CARDS = ['4111 1111 1111 1111', '5555-5555-5555-4444', '378282246310005', '6011111111111117'];
const PHONES = ['+14155552671', '+442071838750', '+33142685300'];
const USER_IDS = ['usr_1001', 'usr_1002', 'usr_1003'];
const CLIENT_IPS = ['203.0.113.9', '198.51.100.23', '192.0.2.77', '203.0.113.150'];
const USER_AGENTS = [
  'aws-amplify/6.3.1 js',
  'Apollo-iOS/1.9.0 (ShopApp; build:412)',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Safari/605.1.15',
  'okhttp/4.12.0',
];
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfMTAwMSIsImVtYWlsIjoiYWRhQGV4YW1wbGUuY29tIiwiaWF0IjoxNzE2MjM5MDIyfQ.' +
  'qfF8l2xKz7bX0m3k1cV1yS9H7qJd0nQ2aZpWmZc3lYw';

type Pick = <T>(items: readonly T[]) => T;

const GRAPHQL_BUILDERS: ((pick: Pick) => { label: string; body: GraphqlRequest })[] = [
  (pick) => ({
    label: 'query getUser',
    body: {
      query:
        'query GetUser($id: ID!) {\n  getUser(id: $id) {\n    id\n    name\n    email\n    phone\n    orders { id status total }\n  }\n}',
      variables: { id: pick(USER_IDS) },
      operationName: 'GetUser',
    },
  }),
  (pick) => ({
    label: 'mutation createOrder',
    body: {
      query:
        'mutation CreateOrder($input: CreateOrderInput!) {\n  createOrder(input: $input) {\n    id\n    status\n    total\n    items { sku quantity price }\n  }\n}',
      variables: {
        input: {
          customerEmail: pick(EMAILS),
          cardNumber: pick(CARDS),
          items: [{ sku: pick(['SKU-CHAIR', 'SKU-DESK', 'SKU-LAMP']), quantity: pick([1, 2, 3]) }],
          shippingAddress: {
            line1: '12 Analytical Row',
            city: pick(['London', 'Paris', 'Boston']),
            postcode: 'EC1A 1BB',
            country: 'GB',
          },
        },
      },
      operationName: 'CreateOrder',
    },
  }),
  (pick) => ({
    label: 'query listOrders',
    body: {
      query:
        'query ListOrders($email: String!, $status: OrderStatus, $limit: Int) {\n  listOrders(customerEmail: $email, status: $status, limit: $limit) {\n    id\n    status\n    total\n    createdAt\n  }\n}',
      variables: {
        email: pick(EMAILS),
        status: pick(['PAID', 'SHIPPED', 'PENDING']),
        limit: pick([5, 10, 25]),
      },
      operationName: 'ListOrders',
    },
  }),
  (pick) => ({
    label: 'mutation updateProfile',
    body: {
      query:
        'mutation UpdateProfile($id: ID!, $input: ProfileInput!) {\n  updateProfile(id: $id, input: $input) {\n    id\n    email\n    phone\n  }\n}',
      variables: { id: pick(USER_IDS), input: { phone: pick(PHONES), email: pick(EMAILS) } },
      operationName: 'UpdateProfile',
    },
  }),
  (pick) => ({
    label: 'query searchProducts',
    body: {
      query: `query {\n  searchProducts(term: ${JSON.stringify(pick(['chair', 'desk', 'lamp']))}, maxPrice: ${pick([100, 500])}) {\n    sku\n    name\n    price\n  }\n}`,
    },
  }),
  (pick) => ({
    label: 'mutation cancelOrder',
    body: {
      query:
        'mutation Cancel($id: ID!, $reason: String) {\n  cancelOrder(id: $id, reason: $reason) {\n    id\n    status\n  }\n}',
      variables: {
        id: `ord_${pick([5001, 5002, 5003])}`,
        reason: pick(['changed my mind', 'found it cheaper', null]),
      },
      operationName: 'Cancel',
    },
  }),
];

function restV1(method: string, path: string, resource: string, pick: Pick, extra: Record<string, unknown>) {
  const ip = pick(CLIENT_IPS);
  const agent = pick(USER_AGENTS);
  const headers: Record<string, string> = {
    host: REST_V1_HOST,
    accept: 'application/json',
    'user-agent': agent,
    'x-forwarded-for': ip,
    'x-forwarded-proto': 'https',
    authorization: `Bearer ${JWT}`,
    ...((extra.headers as Record<string, string> | undefined) ?? {}),
  };
  const query = (extra.query as Record<string, string> | undefined) ?? null;
  return {
    resource,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query,
    multiValueQueryStringParameters:
      query && Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
    pathParameters: (extra.pathParameters as Record<string, string> | undefined) ?? null,
    stageVariables: null,
    requestContext: {
      resourcePath: resource,
      httpMethod: method,
      path: `/prod${path}`,
      stage: 'prod',
      requestId: randomUUID(),
      domainName: REST_V1_HOST,
      identity: { sourceIp: ip, userAgent: agent },
    },
    body: (extra.body as string | undefined) ?? null,
    isBase64Encoded: false,
  };
}

function restV2(method: string, rawPath: string, pick: Pick, extra: Record<string, unknown>) {
  const ip = pick(CLIENT_IPS);
  const agent = pick(USER_AGENTS);
  const rawQueryString = (extra.rawQueryString as string | undefined) ?? '';
  const headers: Record<string, string> = {
    host: REST_V2_HOST,
    accept: 'application/json',
    'user-agent': agent,
    'x-api-key': 'demo-partner-key-2f8c1e',
    ...((extra.headers as Record<string, string> | undefined) ?? {}),
  };
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    ...(rawQueryString === ''
      ? {}
      : { queryStringParameters: Object.fromEntries(new URLSearchParams(rawQueryString)) }),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'catalog',
      domainName: REST_V2_HOST,
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: ip, userAgent: agent },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      timeEpoch: Date.now(),
    },
    ...(extra.body === undefined ? {} : { body: extra.body }),
    isBase64Encoded: false,
  };
}

const REST_BUILDERS: ((pick: Pick) => { label: string; event: Record<string, unknown> })[] = [
  (pick) => {
    const id = pick(USER_IDS);
    return {
      label: 'GET /users/{id} (REST v1)',
      event: restV1('GET', `/users/${id}`, '/users/{id}', pick, { pathParameters: { id } }),
    };
  },
  (pick) => ({
    label: 'GET /orders (REST v1)',
    event: restV1('GET', '/orders', '/orders', pick, {
      query: { status: pick(['PAID', 'SHIPPED']), limit: String(pick([2, 3])) },
    }),
  }),
  (pick) => ({
    label: 'POST /orders (REST v1)',
    event: restV1('POST', '/orders', '/orders', pick, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        customerEmail: pick(EMAILS),
        cardNumber: pick(CARDS),
        items: [{ sku: 'SKU-LAMP', quantity: 2 }],
      }),
    }),
  }),
  (pick) => ({
    label: 'GET /products/{sku} (function URL v2)',
    event: restV2('GET', `/products/${pick(['SKU-CHAIR', 'SKU-DESK', 'SKU-LAMP'])}`, pick, {
      rawQueryString: 'currency=EUR',
    }),
  }),
  (pick) => ({
    label: 'POST /orders (function URL v2)',
    event: restV2('POST', '/orders', pick, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        customerEmail: pick(EMAILS),
        phone: pick(PHONES),
        items: [{ sku: 'SKU-DESK', quantity: 1 }],
      }),
    }),
  }),
];

/**
 * `count` varied requests: the first ones cover every operation once (so even a short run fills every
 * endpoint), the rest are drawn at random, about two GraphQL calls for one REST call.
 */
export function demoTraffic(count: number, apiKey: string, seed = 20260314): DemoRequest[] {
  const random = prng(seed);
  const pick: Pick = (items) => items[Math.floor(random() * items.length)]!;
  const graphql = (build: (typeof GRAPHQL_BUILDERS)[number]): DemoRequest => {
    const { label, body } = build(pick);
    return {
      kind: 'graphql',
      label,
      body,
      headers: {
        'content-type': 'application/json',
        'x-api-key': apiKey,
        'user-agent': pick(USER_AGENTS),
        'x-forwarded-for': pick(CLIENT_IPS),
      },
    };
  };
  const rest = (build: (typeof REST_BUILDERS)[number]): DemoRequest => ({ kind: 'rest', ...build(pick) });
  const requests: DemoRequest[] = [];
  const firstRound = [...GRAPHQL_BUILDERS.map(graphql), ...REST_BUILDERS.map(rest)];
  for (const request of firstRound) if (requests.length < count) requests.push(request);
  while (requests.length < count) {
    requests.push(random() < 0.65 ? graphql(pick(GRAPHQL_BUILDERS)) : rest(pick(REST_BUILDERS)));
  }
  return requests;
}
