import { describe, expect, it } from 'vitest';
import { InventoryEngine } from '../src/index.js';
import { logged, record } from './helpers/records.js';

describe('cardinality caps', () => {
  it('counts calls to endpoints beyond the collection cap on the collection instead of storing them', () => {
    const engine = new InventoryEngine({ maxEndpointsPerCollection: 3 });
    // Segments the templater keeps as names (a different static word per call), as a misbehaving API sends.
    const paths = ['/alpha', '/bravo', '/charlie', '/delta', '/echo', '/delta', '/alpha'];
    engine.apply(logged(paths.map((path) => record({ path }))));
    const changes = engine.takeChanges();
    expect(changes.endpoints.map((e) => e.path).sort()).toEqual(['/alpha', '/bravo', '/charlie']);
    expect(changes.endpoints.find((e) => e.path === '/alpha')?.calls).toBe(2);
    expect(changes.collections[0]).toMatchObject({ callsOverEndpointCap: 3, valuesOverParameterCap: 0 });
    expect(changes.processed).toBe(7);
    expect(changes.endpointsCreated).toBe(3);
    expect(changes.overCap).toEqual({
      calls: 3,
      values: 0,
      reached: [{ collectionId: changes.collections[0]?.id, name: 'api.example.com', cap: 'endpoints' }],
    });
  });

  it('counts parameter values beyond the endpoint cap; reports a collection reaching a cap once', () => {
    const engine = new InventoryEngine({ maxParametersPerEndpoint: 4 });
    const call = (i: number) =>
      record({
        path: `/search?k${i}=1&k${i + 100}=2`,
        requestHeaders: { host: 'a.test' },
        responseHeaders: {},
        responsePayload: '',
      });
    engine.apply(logged([0, 1, 2, 3].map(call)));
    const first = engine.takeChanges();
    // The host header and 3 query keys fill the cap of 4; the other 5 query values are counted.
    expect(first.parameters).toHaveLength(4);
    expect(first.collections[0]?.valuesOverParameterCap).toBe(5);
    expect(first.overCap.reached.map((r) => r.cap)).toEqual(['parameters']);
    engine.apply(logged([call(9)], 5));
    const second = engine.takeChanges();
    expect(second.collections[0]?.valuesOverParameterCap).toBe(7);
    expect(second.overCap).toEqual({ calls: 0, values: 2, reached: [] });
  });

  it('a restart from a snapshot keeps the counts (they are part of the committed rows)', () => {
    const engine = new InventoryEngine({ maxEndpointsPerCollection: 1 });
    engine.apply(logged([record({ path: '/one' }), record({ path: '/two' })]));
    engine.takeChanges();
    const restarted = new InventoryEngine({ maxEndpointsPerCollection: 1 }, engine.snapshot());
    restarted.apply(logged([record({ path: '/three' })], 3));
    const changes = restarted.takeChanges();
    expect(changes.collections[0]?.callsOverEndpointCap).toBe(2);
    expect(changes.overCap.reached).toEqual([]);
  });
});
