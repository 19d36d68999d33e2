import { STATUS_CODES } from 'node:http';
import { describe, expect, it } from 'vitest';
import { reasonPhrase } from '../src/http-status.js';

describe('reasonPhrase', () => {
  it("gives node:http's phrase for every code Node knows", () => {
    const codes = Object.keys(STATUS_CODES).map(Number);
    expect(codes.length).toBeGreaterThan(50);
    for (const code of codes) expect(reasonPhrase(code), String(code)).toBe(STATUS_CODES[code]);
  });

  it('is empty for codes without a phrase', () => {
    expect(reasonPhrase(299)).toBe('');
    expect(reasonPhrase(0)).toBe('');
    expect(reasonPhrase(Number.NaN)).toBe('');
  });
});
