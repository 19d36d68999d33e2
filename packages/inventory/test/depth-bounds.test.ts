import { describe, expect, it } from 'vitest';
import {
  flattenJson,
  InventoryEngine,
  MASK,
  maskBody,
  maskJson,
  parseGraphqlOperations,
  TOO_DEEP,
} from '../src/index.js';
import { logged, record } from './helpers/records.js';

function nestedArrayText(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

function nestedObject(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('depth bounds where untrusted JSON is walked', () => {
  it('flattening replaces a subtree too deep to serialise, and the walked value serialises again', () => {
    const value = { top: JSON.parse(nestedArrayText(5000)) as unknown };
    const seen: [string, unknown][] = [];
    const result = flattenJson(value, (name, leaf) => {
      seen.push([name, leaf]);
      return undefined;
    });
    expect(result.complete).toBe(false);
    expect(result.masked).toBe(true);
    expect(seen.at(-1)?.[1]).toBe(TOO_DEEP);
    expect(() => JSON.stringify(value)).not.toThrow();
  });

  it('masking masks subtrees below its depth limit instead of recursing', () => {
    const masked = JSON.stringify(maskJson(nestedObject(5000), '', 'request', false));
    expect(masked).toContain(MASK);
    expect(maskBody(JSON.stringify(nestedObject(100)), 'application/json', 'request')).toContain(MASK);
    expect(() => maskBody(nestedArrayText(5000), 'application/json', 'request')).not.toThrow();
  });

  it('GraphQL documents nested thousands of levels deep are not parsed', () => {
    const deep = `query Q { a ${'{ a '.repeat(5000)}${'}'.repeat(5000)} }`;
    const list = `query Q { a(x: ${nestedArrayText(5000)}) }`;
    for (const query of [deep, list]) {
      expect(() => parseGraphqlOperations({ query })).not.toThrow();
    }
    expect(parseGraphqlOperations({ query: 'query Q { a { b } }' })?.[0]?.fields[0]?.field).toBe('a');
  });

  it('the engine digests deep bodies and keeps samples that serialise', () => {
    const engine = new InventoryEngine();
    const body = `{"data":${nestedArrayText(5000)}}`;
    engine.apply(
      logged([
        record({ requestPayload: body, responsePayload: body }),
        record({
          path: '/graphql',
          method: 'POST',
          requestPayload: JSON.stringify({ query: `{ a ${'{ a '.repeat(3000)}${'}'.repeat(3000)} }` }),
        }),
      ]),
    );
    const changes = engine.takeChanges();
    expect(changes.endpoints.length).toBeGreaterThan(0);
    expect(() => JSON.stringify(changes)).not.toThrow();
  });
});
