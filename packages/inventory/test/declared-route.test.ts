import { Validator } from '@seriousme/openapi-schema-validator';
import { InMemoryInventoryRows } from '@tapline/testkit';
import { describe, expect, it } from 'vitest';
import { declaredRouteOf } from '../src/declared-route.js';
import { buildOpenApiDocument, InventoryEngine } from '../src/index.js';
import { applyRecords, logged, record } from './helpers/records.js';

// biome-ignore lint/suspicious/noExplicitAny: assertions walk a free-form JSON document
type Doc = Record<string, any>;

describe('declaredRouteOf', () => {
  it('pairs route parameters with raw segments, aligned from the end (custom-domain base paths)', () => {
    expect(declaredRouteOf('/users/{id}', ['v1', 'users', '42'])).toEqual({
      path: '/users/{id}',
      values: [{ name: 'id', raw: '42', first: 2, last: 2 }],
    });
  });
  it('a greedy parameter takes the rest of the path after its prefix', () => {
    expect(declaredRouteOf('/files/{proxy+}', ['base', 'files', 'a', 'b.txt'])?.values).toEqual([
      { name: 'proxy', raw: 'a/b.txt', first: 2, last: 3 },
    ]);
  });
  it('a route that is not a path declares nothing', () => {
    expect(declaredRouteOf('$default', ['x'])).toBeNull();
    expect(declaredRouteOf(undefined, ['x'])).toBeNull();
  });
});

describe('declared routes in the inventory', () => {
  it('the endpoint is the declared route with its own parameter names; types come from the values', () => {
    const { changes } = applyRecords([
      { path: '/users/42', declaredRoute: '/users/{id}' },
      { path: '/users/alice', declaredRoute: '/users/{id}' },
      { path: '/users/7', declaredRoute: '/users/{id}' },
    ]);
    expect(changes.endpoints.map((e) => `${e.method} ${e.path}`)).toEqual(['GET /users/{id}']);
    expect(changes.endpoints[0]?.calls).toBe(3);
    const id = changes.parameters.find((p) => p.in === 'path');
    expect(id?.name).toBe('id');
    expect([...(id?.types ?? [])].sort()).toEqual(['GENERIC', 'INTEGER_32']);
  });

  it('records without a declared route keep the heuristic template beside it', () => {
    const { changes } = applyRecords([
      { path: '/users/42', declaredRoute: '/users/{id}' },
      { path: '/orders/42' },
    ]);
    expect(changes.endpoints.map((e) => e.path).sort()).toEqual(['/orders/INTEGER', '/users/{id}']);
  });

  it('declared endpoints are never merged into a STRING sibling template', () => {
    const names = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu'.split(' ');
    const { changes } = applyRecords(
      names.map((n) => ({ path: `/things/${n}`, declaredRoute: `/things/${n}` })),
    );
    expect(changes.endpoints).toHaveLength(names.length);
    expect(changes.removedEndpointIds).toEqual([]);
    // The same paths without declared routes do merge: the heuristics still run for them.
    const heuristic = applyRecords(names.map((n) => ({ path: `/things/${n}` }))).changes;
    expect(
      heuristic.endpoints.filter((e) => !heuristic.removedEndpointIds.includes(e.id)).map((e) => e.path),
    ).toContain('/things/STRING');
  });

  it('a declared endpoint reloaded from a snapshot stays declared', () => {
    const { engine } = applyRecords([{ path: '/users/42', declaredRoute: '/users/{id}' }]);
    const resumed = new InventoryEngine({}, engine.snapshot());
    resumed.apply(logged([record({ path: '/users/43', declaredRoute: '/users/{id}' })], 10));
    const c = resumed.takeChanges();
    expect(c.endpoints.map((e) => [e.path, e.calls])).toEqual([['/users/{id}', 2]]);
  });

  it('declared routes without parameters stay out of sibling merging after eviction and a restart', () => {
    // An HTTP API stage with declared routes and a `$default` catch-all: the catch-all's records carry no
    // declared route, share the stage's collection, and are templated by the heuristics.
    const gateway = { apiStage: '$default', apiId: 'abc123' };
    const headers = { host: 'abc123.execute-api.eu-west-1.amazonaws.com' };
    const names = 'alpha beta gamma delta epsilon zeta eta theta iota'.split(' ');
    const declared = names.map((n) =>
      record({
        ...gateway,
        requestHeaders: headers,
        path: `/teams/${n}/members`,
        declaredRoute: `/teams/${n}/members`,
      }),
    );
    const catchAll = record({ ...gateway, requestHeaders: headers, path: '/teams/kappa/members' });
    const rows = new InMemoryInventoryRows();
    const engine = InventoryEngine.resume({}, 0);
    const first = logged(declared);
    engine.admit(rows.load(engine.planLoads(first, 10).collectionIds));
    engine.apply(first);
    const created = engine.takeChanges();
    expect(created.endpoints.every((e) => e.declaredRoute === true)).toBe(true);
    rows.commit(created);

    const applyTenth = (e: InventoryEngine) => {
      const batch = logged([catchAll], 100);
      e.admit(rows.load(e.planLoads(batch, 10).collectionIds));
      e.apply(batch);
      return e.takeChanges();
    };
    // A batch for another host, so the stage's collection is no longer the one just used, then evict it.
    const other = logged([record({ requestHeaders: { host: 'other.example.com' } })], 50);
    engine.admit(rows.load(engine.planLoads(other, 10).collectionIds));
    engine.apply(other);
    rows.commit(engine.takeChanges());
    expect(engine.evict(0)).toBe(1);
    const afterEviction = applyTenth(engine);
    expect(afterEviction.removedEndpointIds).toEqual([]);
    expect(afterEviction.endpoints.map((e) => e.path)).toEqual(['/teams/kappa/members']);
    // The same after a restart, with the whole state loaded up front.
    const restarted = new InventoryEngine({}, rows.snapshot());
    expect(applyTenth(restarted).removedEndpointIds).toEqual([]);
  });

  it('a greedy route keeps its declared path; the rest of the request path is the parameter', () => {
    const { changes } = applyRecords([{ path: '/files/a/b.txt', declaredRoute: '/files/{proxy+}' }]);
    expect(changes.endpoints.map((e) => e.path)).toEqual(['/files/{proxy+}']);
    expect(changes.parameters.find((p) => p.in === 'path')).toMatchObject({
      name: 'proxy',
      examples: ['a/b.txt'],
    });
  });

  it('OpenAPI uses the declared names', async () => {
    const { changes } = applyRecords([
      { path: '/users/42', declaredRoute: '/users/{id}' },
      { path: '/files/a/b', declaredRoute: '/files/{proxy+}' },
    ]);
    const collection = changes.collections[0];
    if (!collection) throw new Error('no collection');
    const doc = buildOpenApiDocument({
      collection,
      endpoints: changes.endpoints,
      parameters: changes.parameters,
      samples: changes.samples.flatMap((s) => s.samples),
    }) as Doc;
    expect(Object.keys(doc.paths).sort()).toEqual(['/files/{proxy}', '/users/{id}']);
    const param = doc.paths['/users/{id}'].get.parameters.find((p: { in: string }) => p.in === 'path');
    expect(param).toMatchObject({ name: 'id', in: 'path', required: true, schema: { type: 'integer' } });
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
  });
});
