import type { TrafficRecord } from '@tapline/contracts';
import { HOUR, nowSeconds, record } from './seed.js';

export const REST_HOST = 'shop.example.com';
export const APPSYNC_HOST = 'abc123xyz.appsync-api.eu-west-1.amazonaws.com';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiZXhwIjo0MTAyNDQ0ODAwfQ.' +
  'hVf3QzJ0m7mR2b0wq5oG8nJrM7hY3c1oA9sPqL2xKk0';

/**
 * Realistic traffic for the browser tests and screenshots: a REST API behind API Gateway and an AppSync
 * GraphQL API, both served by Lambda, over the last few hours (plus one endpoint first seen a month ago).
 */
export function demoTraffic(at = nowSeconds()): TrafficRecord[] {
  // Anchored at the middle of the previous hour, so each hour's burst (a few minutes long) stays in one
  // hourly bucket whatever the minute the tests run at, and nothing lies in the future.
  const now = Math.floor(at / HOUR) * HOUR - HOUR / 2;
  const rest = (overrides: Partial<TrafficRecord>): TrafficRecord =>
    record({
      requestHeaders: { host: REST_HOST, authorization: `Bearer ${JWT}`, 'content-type': 'application/json' },
      tag: { service: 'lambda', source: 'APIGateway' },
      ...overrides,
    });
  const anonymous = { host: REST_HOST, accept: 'application/json' };
  const records: TrafficRecord[] = [];
  for (let h = 5; h >= 0; h--) {
    const calls = [3, 5, 2, 6, 4, 7][h] ?? 1;
    for (let i = 0; i < calls; i++) {
      const t = now - h * HOUR - i * 60;
      const id = 100 + h * 10 + i;
      records.push(
        rest({
          path: `/orders/${id}?expand=items`,
          time: t,
          responsePayload: JSON.stringify({
            id,
            status: 'shipped',
            total: 42.5,
            customer: { email: `buyer${id}@example.com`, phone: '+1 415 555 0132' },
            items: [{ sku: 'BK-1', qty: 1 }],
          }),
        }),
      );
    }
    records.push(
      rest({ path: '/products?category=books&limit=20', requestHeaders: anonymous, time: now - h * HOUR }),
    );
  }
  records.push(
    rest({
      path: '/orders',
      method: 'POST',
      statusCode: 201,
      status: 'Created',
      requestPayload: JSON.stringify({
        items: [{ sku: 'BK-1', qty: 2 }],
        payment: { card: '4111 1111 1111 1111', holder: 'Ann Smith' },
        shipping: { street: '1600 Amphitheatre Parkway', city: 'Mountain View', zip: '94043' },
      }),
      responsePayload: JSON.stringify({ id: 901, status: 'created' }),
      time: now - 2 * HOUR,
    }),
    rest({
      // An idempotent replay answers 200 with a different body: a second response schema.
      path: '/orders',
      method: 'POST',
      requestHeaders: {
        host: REST_HOST,
        authorization: `Bearer ${JWT}`,
        'content-type': 'application/json',
        'idempotency-key': 'a1b2c3',
      },
      requestPayload: JSON.stringify({ items: [{ sku: 'BK-1', qty: 2 }] }),
      responsePayload: JSON.stringify({ id: 901, status: 'created', replayed: true }),
      time: now - HOUR,
    }),
    rest({
      path: '/orders/117',
      method: 'DELETE',
      statusCode: 204,
      status: 'No Content',
      time: now - 3 * HOUR,
    }),
    rest({
      path: '/customers/5521',
      time: now - 2 * HOUR,
      responsePayload: JSON.stringify({
        id: 5521,
        name: 'Ann Smith',
        ssn: '123-45-6789',
        email: 'ann@example.com',
      }),
    }),
    rest({
      path: '/legacy/report?year=2024',
      requestHeaders: { host: REST_HOST, 'x-api-key': 'k-7f9a2c' },
      responsePayload: JSON.stringify({ rows: 12 }),
      time: now - 30 * 24 * HOUR,
    }),
  );

  const appsync = (
    query: string,
    variables: Record<string, unknown>,
    data: unknown,
    t: number,
  ): TrafficRecord =>
    record({
      path: '/graphql',
      method: 'POST',
      requestHeaders: {
        host: APPSYNC_HOST,
        'x-api-key': 'da2-abcdefghijklmnop',
        'content-type': 'application/json',
      },
      requestPayload: JSON.stringify({ query, variables }),
      responsePayload: JSON.stringify({ data }),
      tag: { service: 'lambda', source: 'AppSync' },
      time: t,
    });
  for (let h = 3; h >= 0; h--) {
    records.push(
      appsync(
        'query GetPost($id: ID!) { getPost(id: $id) { id title author { name email } } }',
        { id: `p-${h}` },
        {
          getPost: { id: `p-${h}`, title: 'Hello AppSync', author: { name: 'Bo', email: 'bo@example.com' } },
        },
        now - h * HOUR,
      ),
      appsync(
        'query ListPosts { listPosts(limit: 10) { items { id title } nextToken } }',
        {},
        { listPosts: { items: [{ id: 'p-1', title: 'Hello AppSync' }], nextToken: null } },
        now - h * HOUR - 120,
      ),
    );
  }
  records.push(
    appsync(
      'mutation AddComment($postId: ID!, $text: String!) { createComment(postId: $postId, text: $text) { id } }',
      { postId: 'p-1', text: 'Nice post' },
      { createComment: { id: 'c-9' } },
      now - 1800,
    ),
  );
  return records;
}
