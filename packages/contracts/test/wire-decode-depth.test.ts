import { describe, expect, it } from 'vitest';
import { decodeWireRecord, MAX_JSON_DEPTH, nestedDeeperThan } from '../src/index.js';

function nestedArray(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function nestedObject(depth: number): unknown {
  let value: unknown = {};
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

const valid = {
  path: '/x',
  method: 'GET',
  statusCode: '200',
  requestHeaders: '{}',
  responseHeaders: '{}',
};

describe('decodeWireRecord on deeply nested input', () => {
  it('answers a per-record error for a 5,000-deep array in any field, never a RangeError', () => {
    for (const field of ['path', 'requestPayload', 'requestHeaders', 'tag', 'time', 'extra']) {
      const result = decodeWireRecord({ ...valid, [field]: nestedArray(5000) });
      expect(result.ok, field).toBe(false);
      if (!result.ok) expect(result.error).toMatch(/nested deeper than 8 levels/);
    }
    expect(decodeWireRecord(nestedArray(5000))).toMatchObject({ ok: false });
  });

  it('refuses header values that nest deeply inside a JSON-encoded header string', () => {
    const headers = `{"accept":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const result = decodeWireRecord({ ...valid, requestHeaders: headers });
    expect(result).toMatchObject({ ok: false });
    if (!result.ok)
      expect(result.error).toMatch(/^requestHeaders\.accept: expected a string, got a deeply nested array/);
    // Shallow lists are still joined, as before.
    const flat = decodeWireRecord({ ...valid, requestHeaders: JSON.stringify({ accept: ['a', 'b'] }) });
    expect(flat.ok && flat.record.requestHeaders.accept).toBe('a, b');
  });

  it('keeps error messages short for megabyte values', () => {
    const result = decodeWireRecord({ ...valid, method: `${'x'.repeat(1_000_000)} ` });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.length).toBeLessThan(120);
  });
});

describe('nestedDeeperThan', () => {
  it('measures arrays and objects iteratively at any depth', () => {
    expect(nestedDeeperThan('text')).toBe(false);
    expect(nestedDeeperThan([], 1)).toBe(false);
    expect(nestedDeeperThan([[]], 1)).toBe(true);
    expect(nestedDeeperThan(nestedObject(MAX_JSON_DEPTH - 1))).toBe(false);
    expect(nestedDeeperThan(nestedObject(MAX_JSON_DEPTH))).toBe(true);
    expect(nestedDeeperThan(nestedArray(100_000))).toBe(true);
  });
});
