import { type TrafficRecord, toWireRecord } from '@tapline/contracts';
import { trafficRecord } from '@tapline/testkit';

const RESOURCES = ['users', 'orders', 'items', 'carts', 'invoices'];

/** A realistic Lambda-mirrored record of about 1 KB on the wire. */
export function benchRecord(n: number): TrafficRecord {
  const resource = RESOURCES[n % RESOURCES.length] as string;
  const post = n % 3 === 0;
  return trafficRecord({
    path: post ? `/prod/${resource}` : `/prod/${resource}/${1000 + (n % 997)}?expand=details&page=${n % 7}`,
    method: post ? 'POST' : 'GET',
    requestHeaders: {
      Host: `api${n % 4}.execute-api.eu-west-1.amazonaws.com`,
      Accept: 'application/json',
      'Content-Type': 'application/json',
      Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl',
      'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) bench',
      'X-Forwarded-For': `203.0.113.${n % 250}, 10.0.0.12`,
      'X-Amzn-Trace-Id': `Root=1-67891233-abcdef012345678912345${String(n % 1000).padStart(3, '0')}`,
    },
    responseHeaders: { 'Content-Type': 'application/json', 'X-Request-Id': `req-${n}` },
    requestPayload: post
      ? JSON.stringify({ name: `widget ${n}`, quantity: n % 9, email: `user${n}@example.com` })
      : '',
    responsePayload: JSON.stringify({
      id: 1000 + (n % 997),
      name: `widget ${n}`,
      price: (n % 500) / 10,
      owner: { email: `user${n}@example.com`, phone: '+44 20 7946 0958' },
      tags: ['blue', 'large'],
      updatedAt: '2026-11-24T10:00:00Z',
    }),
    ip: `203.0.113.${n % 250}`,
    time: 1_795_515_302 + n,
    statusCode: post ? 201 : 200,
    status: post ? 'Created' : 'OK',
  });
}

/** `count` distinct pre-serialised request bodies of `batch` records each. */
export function bodyPool(count: number, batch: number): string[] {
  return Array.from({ length: count }, (_, b) =>
    JSON.stringify({
      batchData: Array.from({ length: batch }, (_, i) => toWireRecord(benchRecord(b * batch + i))),
    }),
  );
}
