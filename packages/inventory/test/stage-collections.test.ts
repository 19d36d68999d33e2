import { describe, expect, it } from 'vitest';
import { collectionKeyOf } from '../src/collection-key.js';
import { collectionIdOf, endpointIdOf, InventoryEngine } from '../src/index.js';
import { applyRecords, logged, record } from './helpers/records.js';

const API_HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';

describe('API Gateway stages as collections', () => {
  it.each([
    [{ host: API_HOST }, { apiStage: 'prod', apiId: 'abc123' }, `${API_HOST}#prod`],
    [{ host: API_HOST }, { apiStage: '$default', apiId: 'abc123' }, `${API_HOST}#$default`],
    // A private API's host starts with `<apiId>-<vpce id>`: still the API's own host.
    [
      { host: 'abc123-vpce-0a1b2c.execute-api.eu-west-1.amazonaws.com' },
      { apiStage: 'dev', apiId: 'abc123' },
      'abc123-vpce-0a1b2c.execute-api.eu-west-1.amazonaws.com#dev',
    ],
    // A custom domain can map several APIs under one stage name: the API id is part of the key.
    [{ host: 'api.example.com' }, { apiStage: 'prod', apiId: 'abc123' }, 'api.example.com#prod#abc123'],
    [{ host: 'api.example.com' }, { apiStage: 'prod' }, 'api.example.com#prod'],
    [{}, { apiStage: 'prod', apiId: 'abc123' }, 'vxlan-0#prod#abc123'],
    // Not a stage name: no stage in the key.
    [{ host: API_HOST }, { apiStage: 'pr od<b>', apiId: 'abc123' }, API_HOST],
    [{ host: API_HOST }, {}, API_HOST],
  ])('%j with %j is the collection %s', (requestHeaders, gateway, key) => {
    expect(collectionKeyOf(record({ requestHeaders, ...gateway })).key).toBe(key);
  });

  it('each stage of an API is its own collection with stable stage and apiId tags; its host stays the host', () => {
    const gateway = (apiStage: string) => ({ requestHeaders: { host: API_HOST }, apiStage, apiId: 'abc123' });
    const { changes } = applyRecords([
      { ...gateway('prod'), path: '/users/1', declaredRoute: '/users/{id}' },
      { ...gateway('dev'), path: '/users/2', declaredRoute: '/users/{id}' },
      { ...gateway('prod'), path: '/users/3', declaredRoute: '/users/{id}' },
      // No stage (a function URL or ALB on the same host name): the host's own collection.
      { requestHeaders: { host: API_HOST }, path: '/status' },
    ]);
    const byName = Object.fromEntries(changes.collections.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual([API_HOST, `${API_HOST}#dev`, `${API_HOST}#prod`]);
    expect(byName[`${API_HOST}#prod`]).toMatchObject({
      id: collectionIdOf(`${API_HOST}#prod`),
      host: API_HOST,
      tags: { stage: 'prod', apiId: 'abc123', service: 'lambda' },
    });
    expect(byName[`${API_HOST}#dev`]?.tags).toMatchObject({ stage: 'dev', apiId: 'abc123' });
    expect(byName[API_HOST]?.tags.stage).toBeUndefined();
    const calls = (name: string) =>
      changes.endpoints.filter((e) => e.collectionId === byName[name]?.id).map((e) => [e.path, e.calls]);
    expect(calls(`${API_HOST}#prod`)).toEqual([['/users/{id}', 2]]);
    expect(calls(`${API_HOST}#dev`)).toEqual([['/users/{id}', 1]]);
  });

  it('an engine loading on demand plans the stage collection, not the host one', () => {
    const engine = InventoryEngine.resume({}, 0);
    engine.apply(logged([record({ requestHeaders: { host: API_HOST }, path: '/a' })]));
    const plan = engine.planLoads(
      logged(
        [record({ requestHeaders: { host: API_HOST }, path: '/a', apiStage: 'prod', apiId: 'abc123' })],
        5,
      ),
      10,
    );
    expect(plan.collectionIds).toEqual([collectionIdOf(`${API_HOST}#prod`)]);
  });

  it('records without a Host header but with different absolute-URL hosts are different collections', () => {
    const { changes } = applyRecords([
      { requestHeaders: {}, urlHost: 'a.example.com' },
      { requestHeaders: {}, urlHost: 'b.example.com' },
    ]);
    expect(changes.collections.map((c) => c.name).sort()).toEqual(['a.example.com', 'b.example.com']);
  });
});

describe('a record the status filter keeps out', () => {
  it("counts its performance on its stage's endpoint, not on the stageless host's one", () => {
    const perf = { durationMs: 12, coldStart: false, outcome: 'function_error' as const };
    const { changes } = applyRecords([
      // The host's own collection (no stage) is cached first, with the same path.
      { requestHeaders: { host: API_HOST }, path: '/users/1' },
      { requestHeaders: { host: API_HOST }, path: '/users/2', apiStage: 'prod', apiId: 'abc123' },
      {
        requestHeaders: { host: API_HOST },
        path: '/users/3',
        apiStage: 'prod',
        apiId: 'abc123',
        statusCode: 502,
        performance: perf,
      },
    ]);
    const invocations = (collection: string) =>
      changes.performance.endpoints.find(
        (p) => p.endpointId === endpointIdOf(collectionIdOf(collection), 'GET', '/users/INTEGER'),
      )?.invocations;
    expect(invocations(`${API_HOST}#prod`)).toBe(1);
    expect(invocations(API_HOST)).toBeUndefined();
  });
});
