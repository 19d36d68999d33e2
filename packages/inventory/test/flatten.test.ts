import { describe, expect, it } from 'vitest';
import {
  flattenJson,
  type LeafVisitor,
  parseCookies,
  parseJsonBody,
  parseUrlEncoded,
  queryString,
} from '../src/index.js';

function collect(run: (visit: LeafVisitor) => unknown): [string, unknown][] {
  const out: [string, unknown][] = [];
  run((name, value) => {
    out.push([name, value]);
    return undefined;
  });
  return out;
}

describe('flattenJson', () => {
  it('names leaves a#b#$#c for a.b[0].c', () => {
    const value = { a: { b: [{ c: 1 }, { c: 2, d: null }] }, e: 'x', f: [], g: {} };
    expect(collect((v) => flattenJson(value, v))).toEqual([
      ['a#b#$#c', 1],
      ['a#b#$#c', 2],
      ['a#b#$#d', null],
      ['e', 'x'],
      ['f', []],
      ['g', {}],
    ]);
  });

  it('handles top-level arrays and prefixes', () => {
    expect(collect((v) => flattenJson([{ id: 1 }], v))).toEqual([['$#id', 1]]);
    expect(collect((v) => flattenJson({ id: 1 }, v, 'variables'))).toEqual([['variables#id', 1]]);
    expect(collect((v) => flattenJson(5, v))).toEqual([]);
  });

  it('caps leaves, depth and array items, and says so', () => {
    const many = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i]));
    const r = flattenJson(many, () => undefined);
    expect(r).toMatchObject({ leaves: 200, complete: false });
    expect(flattenJson({ list: Array.from({ length: 50 }, (_, i) => i) }, () => undefined)).toMatchObject({
      leaves: 5,
      complete: false,
    });
    expect(flattenJson({ a: 1 }, () => undefined)).toEqual({ leaves: 1, complete: true, masked: false });
  });

  it('masks leaves in place when the visitor asks', () => {
    const value = { email: 'a@b.co', name: 'x', list: [{ email: 'c@d.co' }] };
    const r = flattenJson(value, (name) => name.endsWith('email'));
    expect(r.masked).toBe(true);
    expect(value).toEqual({ email: '****', name: 'x', list: [{ email: '****' }] });
  });
});

describe('url-encoded, cookies, query strings', () => {
  it('parses query strings and form bodies', () => {
    expect(collect((v) => parseUrlEncoded('a=1&b=x%20y&c&&d=+z', v))).toEqual([
      ['a', '1'],
      ['b', 'x y'],
      ['c', ''],
      ['d', ' z'],
    ]);
    expect(queryString('/users/42?expand=orders&limit=10')).toBe('expand=orders&limit=10');
    expect(queryString('/users')).toBe('');
  });

  it('parses cookie headers', () => {
    expect(collect((v) => parseCookies('session_id=abc; theme=dark;bad', v))).toEqual([
      ['session_id', 'abc'],
      ['theme', 'dark'],
    ]);
  });

  it('parses only JSON-looking bodies', () => {
    expect(parseJsonBody(' {"a":1}')).toEqual({ a: 1 });
    expect(parseJsonBody('[1]')).toEqual([1]);
    expect(parseJsonBody('a=1')).toBeUndefined();
    expect(parseJsonBody('{broken')).toBeUndefined();
  });
});
