import type { TrafficRecord } from '@tapline/contracts';
import type { CollectionListing } from '@tapline/server';
import { trafficRecord } from '../traffic-records.js';

const T0 = 1_795_515_302;

/** Five collections named by their host, with ties on every sort key (broken by name). */
export const FLEET = ['a.fleet.test', 'b.fleet.test', 'c.fleet.test', 'd.fleet.test', 'e.fleet.test'];
const [A, B, C, D, E] = FLEET as [string, string, string, string, string];

const at = (host: string, path: string, dt: number, over: Partial<TrafficRecord> = {}) =>
  trafficRecord({ requestHeaders: { host }, path, time: T0 + dt, ...over });
const quick = { durationMs: 50, coldStart: false, outcome: 'ok' as const };

/**
 * a and e: 3 endpoints with the same performance; c and d: none; b: one failing, slow endpoint behind an
 * API key. a and c share tags (team=core), b and d share first and last seen.
 */
export function fleetTraffic(): { seq: number; record: TrafficRecord }[] {
  const core = { service: 'lambda', team: 'core' };
  const records = [
    ...['/x', '/y', '/z'].map((p, i) => at(A, p, i * 25, { tag: core, performance: quick })),
    at(B, '/pay', 10, {
      requestHeaders: { host: B, 'x-api-key': 'k-1' },
      responsePayload: JSON.stringify({ email: 'u@example.com' }),
      performance: { durationMs: 500, coldStart: true, outcome: 'function_error' },
    }),
    at(C, '/one', 20, { tag: core, requestHeaders: { host: C, 'x-api-key': 'k-2' } }),
    at(C, '/two', 40, { tag: core }),
    at(D, '/ping', 10),
    ...['/x', '/y', '/z'].map((p, i) => at(E, p, 5 + i * 25, { tag: { team: 'edge' }, performance: quick })),
  ];
  return records.map((record, i) => ({ seq: i + 1, record }));
}

type Key =
  | 'name'
  | 'endpoints'
  | 'sensitiveParams'
  | 'authTypes'
  | 'tags'
  | 'firstSeen'
  | 'lastSeen'
  | 'invocations'
  | 'p50Ms'
  | 'p95Ms'
  | 'p99Ms'
  | 'errorRate'
  | 'coldStartRate';

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The documented order, written out independently of the stores: the oracle of the sort cases. */
export function expectedOrder(listed: CollectionListing[], sort: Key, order: 'asc' | 'desc'): string[] {
  const sign = order === 'asc' ? 1 : -1;
  const value = (c: CollectionListing): number | string | null => {
    const p = c.performance;
    switch (sort) {
      case 'name':
        return c.name;
      case 'endpoints':
        return c.endpoints;
      case 'sensitiveParams':
        return c.sensitiveParams;
      case 'authTypes':
        return [...c.authTypes].sort().join(',');
      case 'tags':
        return Object.entries(c.tags)
          .map(([k, v]) => `${k}=${v}`)
          .sort(byCodePoint)
          .join(',');
      case 'firstSeen':
        return c.firstSeen;
      case 'lastSeen':
        return c.lastSeen;
      case 'errorRate':
        return p === null ? null : p.errors / p.invocations;
      case 'coldStartRate':
        return p === null ? null : p.coldStarts / p.invocations;
      default:
        return p === null ? null : p[sort];
    }
  };
  return [...listed]
    .sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x === null || y === null) return x === y ? byCodePoint(a.name, b.name) : x === null ? 1 : -1;
      const compared = typeof x === 'number' ? x - (y as number) : byCodePoint(x, y as string);
      return sign * compared || (sort === 'name' ? 0 : byCodePoint(a.name, b.name));
    })
    .map((c) => c.name);
}
