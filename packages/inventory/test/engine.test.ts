import type { TrafficRecord } from '@tapline/contracts';
import { canonicalRows } from '@tapline/testkit/contracts';
import { describe, expect, it } from 'vitest';
import { type InventoryChanges, InventoryEngine, type InventorySnapshot } from '../src/index.js';
import { logged, record, T0 } from './helpers/records.js';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUgRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

function once(records: TrafficRecord[], options = {}): InventoryChanges {
  const engine = new InventoryEngine(options);
  engine.apply(logged(records));
  return engine.takeChanges();
}

/** A snapshot with rows sorted, so two engines' states compare regardless of insertion order. */
function canonical(s: InventorySnapshot): InventorySnapshot {
  return { checkpoint: s.checkpoint, ...canonicalRows(s) };
}

describe('collections', () => {
  it('keyed by lower-cased host without default ports; ip hosts and no host fall back to the vxlan id', () => {
    const changes = once([
      record({ requestHeaders: { Host: 'API.Example.com:443' } }),
      record({ requestHeaders: { host: 'api.example.com' } }),
      record({ requestHeaders: { host: 'api.example.com:8443' } }),
      record({ requestHeaders: { host: '10.0.0.1:8080' } }),
      record({ requestHeaders: {} }),
      record({ requestHeaders: {}, vxlanId: '' }),
    ]);
    expect(changes.collections.map((c) => [c.name, c.host]).sort()).toEqual([
      ['api.example.com', 'api.example.com'],
      ['api.example.com:8443', 'api.example.com:8443'],
      ['mirroring', null],
      ['vxlan-0', null],
    ]);
  });

  it('merges record tags; the latest value of a key wins', () => {
    const changes = once([
      record({ tag: { service: 'lambda', function: 'a' } }),
      record({ tag: { service: 'lambda', function: 'b', source: 'AppSync' } }),
    ]);
    expect(changes.collections[0]?.tags).toEqual({ service: 'lambda', function: 'b', source: 'AppSync' });
  });
});

describe('endpoints and parameters', () => {
  it('templates the path, keeps the template values as path parameters, and separates request/response by status', () => {
    const changes = once([
      record({ path: '/users/42?expand=orders', responsePayload: '{"id":42}' }),
      record({ path: '/users/43', statusCode: 201, responsePayload: '{"id":43,"created":true}' }),
    ]);
    expect(changes.endpoints).toHaveLength(1);
    const ep = changes.endpoints[0];
    expect(ep).toMatchObject({ method: 'GET', path: '/users/INTEGER', calls: 2, statusCodes: [200, 201] });
    const key = (p: InventoryChanges['parameters'][number]) =>
      `${p.location}:${p.status ?? '-'}:${p.in}:${p.name}`;
    const keys = changes.parameters.map(key).sort();
    expect(keys).toEqual([
      'request:-:header:host',
      'request:-:path:INTEGER2',
      'request:-:query:expand',
      'response:200:body:id',
      'response:200:header:content-type',
      'response:201:body:created',
      'response:201:body:id',
      'response:201:header:content-type',
    ]);
    const pathParam = changes.parameters.find((p) => p.in === 'path');
    expect(pathParam).toMatchObject({ count: 2, types: ['INTEGER_32'], examples: ['42', '43'] });
  });

  it('flattens JSON and form bodies and cookies', () => {
    const changes = once([
      record({
        method: 'POST',
        path: '/orders',
        requestHeaders: {
          host: 'h.example.com',
          'content-type': 'application/json',
          cookie: 'sid=1; theme=dark',
        },
        requestPayload: JSON.stringify({
          customer: { email: 'jane@example.com' },
          items: [{ sku: 'A-1', qty: 2 }],
        }),
      }),
      record({
        method: 'POST',
        path: '/login',
        requestHeaders: { host: 'h.example.com', 'content-type': 'application/x-www-form-urlencoded' },
        requestPayload: 'user=jane&password=hunter2',
      }),
    ]);
    const names = (path: string, where: string) => {
      const id = changes.endpoints.find((e) => e.path === path)?.id;
      return changes.parameters
        .filter((p) => p.endpointId === id && p.location === 'request' && p.in === where)
        .map((p) => p.name)
        .sort();
    };
    expect(names('/orders', 'body')).toEqual(['customer#email', 'items#$#qty', 'items#$#sku']);
    expect(names('/orders', 'cookie')).toEqual(['sid', 'theme']);
    expect(names('/login', 'body')).toEqual(['password', 'user']);
    const password = changes.parameters.find((p) => p.name === 'password');
    expect(password).toMatchObject({ sensitive: ['SECRET'], examples: ['****'] });
    const cookie = changes.parameters.find((p) => p.in === 'cookie' && p.name === 'theme');
    expect(cookie?.sensitive).toEqual(['SECRET']);
    expect(changes.endpoints.find((e) => e.path === '/orders')?.sensitive).toEqual(['EMAIL']);
  });

  it('auth types accumulate per endpoint; UNAUTHENTICATED only while nothing else was seen', () => {
    const engine = new InventoryEngine();
    engine.apply(logged([record({ path: '/a' })]));
    expect(engine.takeChanges().endpoints[0]?.authTypes).toEqual(['UNAUTHENTICATED']);
    engine.apply(
      logged(
        [
          record({ path: '/a', requestHeaders: { host: 'api.example.com', authorization: `Bearer ${JWT}` } }),
          record({ path: '/a', requestHeaders: { host: 'api.example.com', 'x-api-key': 'k' } }),
          record({ path: '/a' }),
        ],
        2,
      ),
    );
    expect(engine.takeChanges().endpoints[0]?.authTypes).toEqual(['BEARER', 'API_KEY', 'JWT']);
  });

  it('stops adding parameters at the per-endpoint cap', () => {
    const body = JSON.stringify(Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`f${i}`, i])));
    const records = Array.from({ length: 10 }, (_, i) =>
      record({ method: 'POST', path: '/bulk', requestPayload: body.replace(/"f/g, `"r${i}f`) }),
    );
    const changes = once(records);
    const count = changes.parameters.filter((p) => p.endpointId === changes.endpoints[0]?.id).length;
    expect(count).toBe(1000);
    expect(once(records, { maxParametersPerEndpoint: 20 }).parameters).toHaveLength(20);
  });

  it('counts calls per hour (absolute counts)', () => {
    const engine = new InventoryEngine();
    const hour = Math.floor(T0 / 3600) * 3600;
    engine.apply(
      logged([
        record({ time: hour + 1 }),
        record({ time: hour + 3599 }),
        record({ time: hour + 3600 }),
        record({ time: hour + 7300 }),
      ]),
    );
    const first = engine.takeChanges();
    expect(first.hourly.map((h) => [h.hour - hour, h.calls])).toEqual([
      [0, 2],
      [3600, 1],
      [7200, 1],
    ]);
    engine.apply(logged([record({ time: hour + 10 })], 5));
    expect(engine.takeChanges().hourly.map((h) => [h.hour - hour, h.calls])).toEqual([[0, 3]]);
    const ep = first.endpoints[0];
    expect([ep?.firstSeen, ep?.lastSeen]).toEqual([hour + 1, hour + 7300]);
  });

  it('keeps the last 10 samples per endpoint, oldest first', () => {
    const changes = once(Array.from({ length: 15 }, (_, i) => record({ path: `/items?page=${i}` })));
    const samples = changes.samples[0]?.samples ?? [];
    expect(samples.map((s) => s.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(samples[0]?.request.path).toBe('/items?page=5');
  });

  it('lists the endpoints whose changed parameters are all they have', () => {
    const engine = new InventoryEngine();
    const call = (path: string, n: number) =>
      logged([record({ path, requestHeaders: { host: 'api.example.com' }, responsePayload: '{"id":1}' })], n);
    engine.apply(call('/users/1?expand=orders', 1));
    const created = engine.takeChanges();
    const id = created.endpoints[0]?.id as string;
    expect(created.completeParameters).toEqual([id]);
    // Without the query parameter: the changes hold all but one of its parameters.
    engine.apply(call('/users/2', 2));
    const partial = engine.takeChanges();
    expect(partial.parameters.length).toBe(created.parameters.length - 1);
    expect(partial.completeParameters).toEqual([]);
    engine.apply(call('/users/3?expand=orders', 3));
    expect(engine.takeChanges().completeParameters).toEqual([id]);
  });
});

describe('filters', () => {
  it.each([
    ['a 404', { statusCode: 404 }, true],
    ['a 500', { statusCode: 500 }, true],
    ['a 301', { statusCode: 301 }, true],
    ['a 302', { statusCode: 302 }, false],
    ['a 204', { statusCode: 204 }, false],
    ['self-traffic', { path: '/api/ingestData' }, true],
    ['a health check', { path: '/health' }, true],
    ['x-akto-ignore', { requestHeaders: { host: 'a.example.com', 'X-Akto-Ignore': '1' } }, true],
  ] as [string, Partial<TrafficRecord>, boolean][])('%s filtered: %s', (_name, over, filtered) => {
    const changes = once([record(over)]);
    expect(changes.filtered).toBe(filtered ? 1 : 0);
    expect(changes.processed).toBe(filtered ? 0 : 1);
    expect(changes.endpoints).toHaveLength(filtered ? 0 : 1);
    expect(changes.checkpoint).toBe(1);
  });

  it('is configurable', () => {
    const changes = once([record({ statusCode: 404 }), record({ path: '/internal/x' })], {
      acceptStatus: () => true,
      ignorePathsContaining: ['/internal'],
    });
    expect([changes.processed, changes.filtered]).toEqual([1, 1]);
  });
});

describe('masking', () => {
  it('builds masked samples when changes are taken, only for the records still kept, the same after a restart', () => {
    const records = Array.from({ length: 25 }, (_, i) =>
      record({
        path: '/orders/7',
        responsePayload: JSON.stringify({ id: i, owner: { email: `u${i}@example.com` }, tags: ['a'] }),
      }),
    );
    const engine = new InventoryEngine();
    engine.apply(logged(records.slice(0, 20)));
    const restarted = new InventoryEngine({}, engine.snapshot());
    engine.apply(logged(records.slice(20), 21));
    restarted.apply(logged(records.slice(20), 21));
    const samples = engine.takeChanges().samples[0]?.samples ?? [];
    expect(samples.map((s) => s.seq)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(samples.map((s) => JSON.parse(s.response.body))).toEqual(
      Array.from({ length: 10 }, (_, k) => ({ id: 15 + k, owner: { email: '****' }, tags: ['a'] })),
    );
    expect(restarted.takeChanges().samples[0]?.samples).toEqual(samples);
  });

  it('samples hold no raw secret, while detection classified the raw values first', () => {
    const changes = once([
      record({
        method: 'POST',
        path: '/users/jane@example.com/cards?token=abc123&view=full',
        requestHeaders: {
          host: 'api.example.com',
          Authorization: `Bearer ${JWT}`,
          cookie: 'session_id=s3cr3t; theme=dark',
          'x-api-key': 'k-3f9a8b7c6d5e',
          'x-user-email': 'jane@example.com',
        },
        requestPayload: JSON.stringify({
          card: '4111 1111 1111 1111',
          name: 'Jane',
          nested: { ssn: '123-45-6789' },
        }),
        responseHeaders: {
          'content-type': 'application/json',
          'set-cookie': 'session_id=new; Path=/; HttpOnly',
        },
        responsePayload: JSON.stringify({ id: 1, phone: '+1 650 253 0000', ip: '203.0.113.9', idToken: JWT }),
      }),
    ]);
    const sample = changes.samples[0]?.samples[0];
    const text = JSON.stringify(sample);
    for (const secret of [
      JWT,
      's3cr3t',
      'k-3f9a8b7c6d5e',
      'jane@example.com',
      '4111',
      '123-45-6789',
      '650 253',
      '203.0.113.9',
      'abc123',
      'session_id=new',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(sample?.request.headers.authorization).toBe('Bearer ****');
    expect(sample?.request.headers.cookie).toBe('session_id=****; theme=****');
    expect(sample?.request.path).toBe('/users/****/cards?token=****&view=full');
    expect(JSON.parse(sample?.request.body ?? '')).toEqual({
      card: '****',
      name: 'Jane',
      nested: { ssn: '****' },
    });
    expect(JSON.parse(sample?.response.body ?? '')).toEqual({
      id: 1,
      phone: '****',
      ip: '****',
      idToken: '****',
    });
    expect(sample?.response.headers['set-cookie']).toBe('session_id=****; Path=/; HttpOnly');
    const types = (name: string) => changes.parameters.find((p) => p.name === name);
    expect(types('card')).toMatchObject({
      types: ['CREDIT_CARD'],
      sensitive: ['CREDIT_CARD'],
      examples: ['****'],
    });
    expect(types('nested#ssn')?.types).toEqual(['SSN']);
    expect(types('phone')?.sensitive).toEqual(['PHONE_NUMBER']);
    expect(types('ip')?.sensitive).toEqual(['IP_ADDRESS']);
    expect(types('idToken')?.types).toEqual(['JWT']);
    expect(types('x-user-email')?.types).toEqual(['EMAIL']);
    expect(changes.endpoints[0]?.sensitive.sort()).toEqual(
      ['CREDIT_CARD', 'EMAIL', 'IP_ADDRESS', 'JWT', 'PHONE_NUMBER', 'SSN'].sort(),
    );
  });

  it('masks sensitive path segments, templated or not', () => {
    const changes = once([
      record({ path: '/users/jane@example.com/profile' }),
      record({ path: '/ssn/123-45-6789' }),
      record({ path: '/phones/+16502530000' }),
      record({ path: '/orders/12345' }),
    ]);
    const paths = changes.samples.flatMap((s) => s.samples.map((x) => x.request.path)).sort();
    expect(paths).toEqual(['/orders/12345', '/phones/****', '/ssn/****', '/users/****/profile']);
  });

  it('masks bodies fully even past the flattening limits (long arrays)', () => {
    const users = Array.from({ length: 30 }, (_, i) => ({ email: `user${i}@example.com` }));
    const changes = once([record({ responsePayload: JSON.stringify({ users }) })]);
    const body = changes.samples[0]?.samples[0]?.response.body ?? '';
    expect(body).not.toContain('@example.com');
    expect(JSON.parse(body).users).toHaveLength(30);
  });
});

describe('static sibling merging', () => {
  const sibling = (name: string, extra = {}) =>
    record({
      path: `/teams/${name}/members`,
      responsePayload: JSON.stringify({ members: [{ id: 1 }], total: 1, ...extra }),
    });
  const NAMES = [
    'alpha',
    'bravo',
    'charlie',
    'delta',
    'echo',
    'foxtrot',
    'golf',
    'hotel',
    'india',
    'juliet',
    'kilo',
  ];

  it('10 similar static siblings merge into STRING; their stats fold into the template', () => {
    const engine = new InventoryEngine();
    engine.apply(logged(NAMES.slice(0, 9).map((n) => sibling(n))));
    const before = engine.takeChanges();
    expect(before.endpoints).toHaveLength(9);
    engine.apply(logged([sibling(NAMES[9] as string)], 10));
    const merged = engine.takeChanges();
    for (const e of before.endpoints) expect(merged.removedEndpointIds).toContain(e.id);
    expect(merged.removedEndpointIds).toHaveLength(10);
    expect(merged.endpoints.map((e) => [e.path, e.calls])).toEqual([['/teams/STRING/members', 10]]);
    const template = merged.endpoints[0];
    const pathParam = merged.parameters.find((p) => p.endpointId === template?.id && p.in === 'path');
    expect(pathParam).toMatchObject({ name: 'STRING2', count: 10 });
    expect(merged.parameters.every((p) => p.endpointId === template?.id)).toBe(true);
    expect(merged.hourly).toEqual([
      { endpointId: template?.id, hour: Math.floor(T0 / 3600) * 3600, calls: 10 },
    ]);
    expect(merged.samples[0]?.samples).toHaveLength(10);
    // Later records for those paths, and new siblings, go to the template.
    engine.apply(logged([sibling('alpha'), sibling('kilo')], 11));
    const after = engine.takeChanges();
    expect(after.endpoints.map((e) => [e.path, e.calls])).toEqual([['/teams/STRING/members', 12]]);
    expect(after.removedEndpointIds).toEqual([]);
  });

  it('9 siblings do not merge', () => {
    const changes = once(NAMES.slice(0, 9).map((n) => sibling(n)));
    expect(changes.endpoints).toHaveLength(9);
    expect(changes.removedEndpointIds).toEqual([]);
  });

  it('dissimilar siblings do not merge', () => {
    const changes = once(
      NAMES.slice(0, 10).map((n, i) => sibling(n, { [`only${i}`]: i, [`more${i}`]: i, [`x${i}`]: i })),
    );
    expect(changes.endpoints).toHaveLength(10);
  });
});

describe('idempotency and restart', () => {
  const traffic = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      record({
        method: i % 3 === 0 && i % 4 !== 0 ? 'POST' : 'GET',
        path:
          i % 4 === 0
            ? `/teams/team${String.fromCharCode(97 + ((i / 4) % 12))}x/members`
            : `/users/${i}?q=${i % 5}`,
        time: T0 + i * 900,
        requestHeaders: {
          host: i % 2 ? 'a.example.com' : 'b.example.com',
          authorization: i % 5 ? `Bearer ${JWT}` : 'Basic x',
        },
        requestPayload: i % 3 === 0 ? JSON.stringify({ email: `u${i}@example.com`, n: i }) : '',
        responsePayload: JSON.stringify({
          id: i,
          items: [{ v: i }],
          email: i % 7 === 0 ? 'x' : `r${i}@example.com`,
        }),
        statusCode: i % 11 === 0 ? 500 : 200,
      }),
    );

  it('applying the same batch twice changes nothing the second time', () => {
    const engine = new InventoryEngine();
    const batch = logged(traffic(30));
    engine.apply(batch);
    engine.takeChanges();
    const before = canonical(engine.snapshot());
    engine.apply(batch);
    const second = engine.takeChanges();
    expect(second).toMatchObject({
      processed: 0,
      filtered: 0,
      endpoints: [],
      parameters: [],
      checkpoint: 30,
    });
    expect(canonical(engine.snapshot())).toEqual(before);
  });

  it('snapshot → new engine → continue equals one engine doing everything (with overlap replay)', () => {
    const all = logged(traffic(200));
    const single = new InventoryEngine();
    single.apply(all.slice(0, 90));
    single.takeChanges();
    single.apply(all.slice(90));
    single.takeChanges();

    const first = new InventoryEngine();
    first.apply(all.slice(0, 90));
    first.takeChanges();
    const snapshot = first.snapshot();
    expect(snapshot.checkpoint).toBe(90);
    const resumed = new InventoryEngine({}, structuredClone(snapshot));
    resumed.apply(all.slice(60)); // at-least-once: the log replays from before the checkpoint
    const changes = resumed.takeChanges();
    expect(changes.processed + changes.filtered).toBe(110);
    const expected = canonical(single.snapshot());
    expect(expected.endpoints.map((e) => e.path)).toContain('/teams/STRING/members'); // a merge happened
    expect(canonical(resumed.snapshot())).toEqual(expected);
  });

  it('the store applying each takeChanges() as upserts ends with the engine state', () => {
    const engine = new InventoryEngine();
    const store = { endpoints: new Map<string, unknown>(), parameters: new Map<string, unknown>() };
    const all = logged(traffic(120));
    for (let i = 0; i < all.length; i += 25) {
      engine.apply(all.slice(i, i + 25));
      const c = engine.takeChanges();
      for (const id of c.removedEndpointIds) {
        store.endpoints.delete(id);
        for (const [pid, p] of store.parameters)
          if ((p as { endpointId: string }).endpointId === id) store.parameters.delete(pid);
      }
      for (const e of c.endpoints) store.endpoints.set(e.id, e);
      for (const p of c.parameters) store.parameters.set(p.id, p);
    }
    const snap = canonical(engine.snapshot());
    expect(
      [...store.endpoints.values()].sort((a, b) =>
        (a as { id: string }).id < (b as { id: string }).id ? -1 : 1,
      ),
    ).toEqual(snap.endpoints);
    expect(
      [...store.parameters.values()].sort((a, b) =>
        (a as { id: string }).id < (b as { id: string }).id ? -1 : 1,
      ),
    ).toEqual(snap.parameters);
  });
});
