import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, InventoryEngine, type LoggedRecord } from '../src/index.js';
import { record } from './helpers/records.js';

const json = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v));
const headerMap = fc.dictionary(
  fc.oneof(fc.constantFrom('host', 'Authorization', 'cookie', 'x-api-key', 'content-type'), fc.string()),
  fc.string({ maxLength: 40 }),
  { maxKeys: 6 },
);
const arbitraryRecord = fc.record({
  path: fc.oneof(fc.string(), fc.constantFrom('/graphql', '/users/42?x=1', '/a//b/', '/teams/x/y')),
  method: fc.oneof(fc.constantFrom('GET', 'POST', 'put'), fc.string()),
  requestHeaders: headerMap,
  responseHeaders: headerMap,
  requestPayload: fc.oneof(
    json,
    fc.string(),
    fc.constant('{"query":"{ a { b } }"}'),
    fc.constant('[{"query":"{a}"}]'),
  ),
  responsePayload: fc.oneof(json, fc.string()),
  statusCode: fc.oneof(fc.constant(200), fc.integer({ min: 0, max: 700 })),
  time: fc.oneof(fc.integer({ min: 0, max: 2_000_000_000 }), fc.constant(Number.NaN)),
  tag: fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
});

describe('engine properties', () => {
  it('never throws on arbitrary records, and its changes always build a document', () => {
    fc.assert(
      fc.property(fc.array(arbitraryRecord, { maxLength: 12 }), (overrides) => {
        const engine = new InventoryEngine({ acceptStatus: () => true });
        const batch: LoggedRecord[] = overrides.map((o, i) => ({ seq: i + 1, record: record(o) }));
        engine.apply(batch);
        const changes = engine.takeChanges();
        expect(changes.processed + changes.filtered).toBe(batch.length);
        expect(changes.failed ?? 0).toBe(0);
        for (const collection of changes.collections) {
          buildOpenApiDocument({
            collection,
            endpoints: changes.endpoints.filter((e) => e.collectionId === collection.id),
            parameters: changes.parameters,
            samples: changes.samples.flatMap((s) => s.samples),
          });
        }
      }),
      { numRuns: 200 },
    );
  });

  it('replaying any prefix again is a no-op (idempotent by checkpoint)', () => {
    fc.assert(
      fc.property(fc.array(arbitraryRecord, { minLength: 1, maxLength: 8 }), fc.nat(), (overrides, cut) => {
        const batch: LoggedRecord[] = overrides.map((o, i) => ({ seq: i + 1, record: record(o) }));
        const engine = new InventoryEngine({ acceptStatus: () => true });
        engine.apply(batch);
        engine.takeChanges();
        engine.apply(batch.slice(0, cut % batch.length));
        const again = engine.takeChanges();
        expect([again.processed, again.filtered, again.endpoints.length, again.parameters.length]).toEqual([
          0, 0, 0, 0,
        ]);
      }),
      { numRuns: 100 },
    );
  });
});
