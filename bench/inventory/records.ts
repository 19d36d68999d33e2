import type { TrafficRecord } from '@tapline/contracts';
import { trafficRecord } from '@tapline/testkit';

const RESOURCES = ['users', 'orders', 'items', 'carts', 'invoices'];
export const HOSTS = 100;
/** 5 resources × (GET /r/{id}, POST /r) per host: 10 endpoints, 1,000 over 100 hosts. */
export const ENDPOINTS = HOSTS * RESOURCES.length * 2;

/** Record `variant` of endpoint `k` (0..999), about 1 KB, as the traffic log stores it. */
export function inventoryRecord(k: number, variant: number): TrafficRecord {
  const host = `svc${k % HOSTS}.execute-api.eu-west-1.amazonaws.com`;
  const resource = RESOURCES[Math.floor(k / HOSTS) % RESOURCES.length] as string;
  const post = Math.floor(k / (HOSTS * RESOURCES.length)) === 1;
  const id = 1000 + variant * 13;
  return trafficRecord({
    path: post ? `/prod/${resource}` : `/prod/${resource}/${id}?expand=details&page=${variant % 5}`,
    method: post ? 'POST' : 'GET',
    requestHeaders: {
      Host: host,
      Accept: 'application/json',
      'Content-Type': 'application/json',
      Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl',
      'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) bench',
      'X-Forwarded-For': `203.0.113.${variant % 250}, 10.0.0.12`,
    },
    responseHeaders: { 'Content-Type': 'application/json', 'X-Request-Id': `req-${k}-${variant}` },
    requestPayload: post
      ? JSON.stringify({ name: `widget ${variant}`, quantity: variant % 9, email: `u${variant}@example.com` })
      : '',
    responsePayload: JSON.stringify({
      id,
      name: `widget ${variant}`,
      price: (variant % 500) / 10,
      owner: { email: `user${variant}@example.com`, phone: '+44 20 7946 0958' },
      tags: ['blue', 'large'],
      updatedAt: '2026-11-24T10:00:00Z',
    }),
    ip: `203.0.113.${variant % 250}`,
    time: 1_795_515_302 + variant * 60,
    statusCode: post ? 201 : 200,
    status: post ? 'Created' : 'OK',
  });
}
