import type { TrafficRecord } from '@tapline/contracts';
import type { LoggedRecord } from '@tapline/inventory';
import { trafficRecord } from '@tapline/testkit';

/** mulberry32: the same traffic on every run. */
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

const T0 = 1_795_515_302;
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfMTAwMSIsImVtYWlsIjoiYWRhQGV4YW1wbGUuY29tIn0.' +
  'qfF8l2xKz7bX0m3k1cV1yS9H7qJd0nQ2aZpWmZc3lYw';
const EMAILS = ['ada@example.com', 'grace@example.org', 'Alan.Turing@Example.NET'];
const CARDS = ['4111 1111 1111 1111', '5555-5555-5555-4444'];
const PHONES = ['+14155552671', '+442071838750'];
const GRAPHQL = [
  'query GetUser($id: ID!) { getUser(id: $id) { id email phone } }',
  'mutation CreateOrder($input: CreateOrderInput!) { createOrder(input: $input) { id total } }',
  'query ListOrders { listOrders(limit: 5) { id status } }',
  '{ search(term: "x") { id } ping }',
  'subscription OnOrder { onOrder { id } }',
];

/**
 * A few hundred varied records over several collections: REST paths with ids (templated), static
 * siblings (merged), mixed-case and non-ASCII paths, GraphQL (queries, mutations, several fields),
 * sensitive values in bodies, headers, cookies and queries, several auth schemes, methods and status
 * codes (some filtered), times over many hours, API Gateway stages with declared routes; most with
 * the handler's performance and function.
 */
export function variedTraffic(n = 400): LoggedRecord[] {
  const random = prng(13);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const records: TrafficRecord[] = [];
  for (let i = 0; i < n; i += 1) {
    const time = T0 + i * 997 + Math.floor(random() * 300);
    const kind = i % 8;
    const auth: Record<string, string> = pick<Record<string, string>>([
      { authorization: `Bearer ${JWT}` },
      { 'x-api-key': 'k-123456' },
      { authorization: 'Basic YWRhOnNlY3JldA==' },
      { cookie: `session=s${i % 7}; theme=dark` },
      {},
    ]);
    if (kind === 0 || kind === 1) {
      const query = pick(GRAPHQL);
      records.push(
        trafficRecord({
          method: 'POST',
          path: '/graphql',
          requestHeaders: { host: 'api.appsync.example.com', 'content-type': 'application/json', ...auth },
          requestPayload: JSON.stringify({ query, variables: { id: `u${i % 5}`, email: pick(EMAILS) } }),
          responsePayload: JSON.stringify({ data: { getUser: { id: `u${i}`, email: pick(EMAILS) } } }),
          time,
        }),
      );
    } else if (kind === 2) {
      records.push(
        trafficRecord({
          method: pick(['GET', 'PUT', 'DELETE', 'PATCH']),
          path: `/users/${1000 + (i % 37)}/orders/0b6f${String(i).padStart(4, '0')}-2c1d-4e8a-9f3b-5d7e8c9a1b2c`,
          requestHeaders: { host: pick(['Shop.Example.com', 'shop.example.com:443']), ...auth },
          responsePayload: JSON.stringify({ id: i, card: pick(CARDS), total: random() * 100 }),
          statusCode: pick([200, 200, 201, 302, 404, 500]),
          time,
        }),
      );
    } else if (kind === 3) {
      records.push(
        trafficRecord({
          method: 'POST',
          path: `/Checkout/${pick(['Cart', 'Pay', 'Confirm'])}?step=${i % 4}&email=${encodeURIComponent(pick(EMAILS))}`,
          requestHeaders: {
            host: 'shop.example.com',
            'content-type': 'application/x-www-form-urlencoded',
            ...auth,
          },
          requestPayload: `phone=${encodeURIComponent(pick(PHONES))}&ssn=123-45-6789&qty=${i % 9}`,
          responsePayload: JSON.stringify({ ok: true, items: [{ sku: `S${i % 3}`, ip: '198.51.100.7' }] }),
          time,
        }),
      );
    } else if (kind === 4) {
      records.push(
        trafficRecord({
          path: `/teams/team${i % 13}/members`,
          requestHeaders: { host: 'teams.internal.example', ...auth },
          responsePayload: JSON.stringify([{ name: `m${i}`, email: pick(EMAILS) }]),
          time,
        }),
      );
    } else if (kind === 5) {
      records.push(
        trafficRecord({
          method: pick(['GET', 'POST']),
          path: pick(['/ÜBER/Straße', '/café/menu', '/%C3%BCber/items', '/Über/straße', '/ABC/def']),
          requestHeaders: { host: 'unicode.example.com', ...auth },
          // Keys beyond U+FFFF and just below it: UTF-16 and code-point orders differ.
          responsePayload: JSON.stringify({
            name: 'Zoë',
            note: 'naïve "quoted" \\ text',
            n: i,
            ｆ: 1,
            '😀': 2,
          }),
          time,
        }),
      );
    } else if (kind === 6) {
      records.push(
        trafficRecord({
          path: pick(['/health', '/api/ingestData', `/items/${i}`, `/items/${i}/reviews`]),
          requestHeaders: { host: 'shop.example.com', ...auth },
          responsePayload: JSON.stringify({
            id: i,
            tags: ['a', 'b'],
            nested: { deep: { email: pick(EMAILS) } },
          }),
          time,
        }),
      );
    } else {
      // No Host header: the collection is named by the VXLAN id.
      records.push(
        trafficRecord({
          path: `/v1/accounts/${i % 11}/balance`,
          requestHeaders: auth,
          vxlanId: String(100 + (Math.floor(i / 8) % 2)),
          responsePayload: JSON.stringify({ balance: i, iban: 'GB82WEST12345698765432' }),
          time,
        }),
      );
    }
  }
  // API Gateway traffic: a collection per stage, declared routes, stage and API id tags.
  for (let i = 0; i < n / 8; i += 1)
    records.push(
      trafficRecord({
        path: `/orders/${500 + (i % 9)}`,
        declaredRoute: '/orders/{id}',
        apiStage: pick(['prod', 'dev']),
        apiId: 'abc123',
        requestHeaders: { host: 'abc123.execute-api.eu-west-1.amazonaws.com' },
        responsePayload: JSON.stringify({ id: i, email: pick(EMAILS) }),
        time: T0 + i * 7919,
      }),
    );
  // Most records carry the handler's performance and the function that served them.
  const withPerformance = records.map((record, i) => {
    if (i % 9 === 0) return record;
    const qualifier = pick(['live', '7', undefined]);
    return {
      ...record,
      performance: {
        durationMs: 1 + Math.floor(random() * 4000) / 10,
        coldStart: random() < 0.1,
        outcome: pick(['ok', 'ok', 'ok', 'function_error', 'timeout'] as const),
      },
      lambdaFunction: qualifier === undefined ? { name: `fn-${i % 3}` } : { name: `fn-${i % 3}`, qualifier },
    };
  });
  return withPerformance.map((record, i) => ({ seq: i + 1, record }));
}
