import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorPosition } from '../src/ingest/json-error-position.js';

describe('jsonErrorPosition', () => {
  it('points at the first offending character', () => {
    expect(jsonErrorPosition('{"batchData": [1,}')).toBe(17);
    expect(jsonErrorPosition('{"a" 1}')).toBe(5);
    expect(jsonErrorPosition('[1, 2')).toBe(5);
    expect(jsonErrorPosition('{} x')).toBe(3);
    expect(jsonErrorPosition('"\\x"')).toBe(1);
    expect(jsonErrorPosition('[01]')).toBe(2);
  });

  it('agrees with JSON.parse on what is valid', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(jsonErrorPosition(text)).toBe(-1);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(jsonErrorPosition(text) === -1).toBe(valid);
      }),
    );
  });
});
