import { describe, expect, it } from 'vitest';
import { decodeWireRecord, splitAbsoluteUrl } from '../src/index.js';

const record = (over: Record<string, unknown>) => ({ path: '/', method: 'GET', statusCode: '200', ...over });

describe('absolute-URL paths', () => {
  it.each([
    ['https://api.example.com/books?x=1', { host: 'api.example.com', path: '/books?x=1' }],
    ['HTTP://Api.Example.com:8080/a/b', { host: 'api.example.com:8080', path: '/a/b' }],
    ['https://api.example.com', { host: 'api.example.com', path: '/' }],
    ['https://api.example.com?q=1', { host: 'api.example.com', path: '/?q=1' }],
    ['https://user:secret@api.example.com/x#frag', { host: 'api.example.com', path: '/x' }],
  ])('splits %s', (input, expected) => {
    expect(splitAbsoluteUrl(input)).toEqual(expected);
  });

  it('leaves relative paths and other schemes alone', () => {
    for (const path of ['/books', '//cdn/x', 'ftp://host/x', 'books', '/redirect?to=https://x.example/']) {
      expect(splitAbsoluteUrl(path)).toBeUndefined();
    }
  });

  it('decodes the path without scheme and host, keeping the host beside it', () => {
    const result = decodeWireRecord(record({ path: 'https://shop.example.com/books/12?x=1' }));
    expect(result.ok && result.record.path).toBe('/books/12?x=1');
    expect(result.ok && result.record.urlHost).toBe('shop.example.com');
  });
});

describe("direct invocations from Akto's Go extension (empty method and path)", () => {
  it('are accepted as POST /', () => {
    const result = decodeWireRecord(
      record({ method: '', path: '', requestPayload: '{"orderId":1}', tag: '{"service":"lambda"}' }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.record.method).toBe('POST');
    expect(result.record.path).toBe('/');
    expect(result.record.requestPayload).toBe('{"orderId":1}');
  });

  it('use the function named in the tag as the path, like Tapline direct invocations', () => {
    const result = decodeWireRecord(record({ method: '', path: '', tag: { function: 'orders-worker' } }));
    expect(result.ok && result.record.path).toBe('/orders-worker');
  });

  it('still reject records unusable for another reason, naming the field', () => {
    expect(decodeWireRecord(record({ method: '', path: '', statusCode: 'x' }))).toMatchObject({
      ok: false,
      error: expect.stringContaining('statusCode'),
    });
    expect(decodeWireRecord(record({ method: '', path: '/orders' }))).toMatchObject({
      ok: false,
      error: 'method: expected an HTTP method, got ""',
    });
    expect(decodeWireRecord(record({ method: '', path: '', tag: '[1]' }))).toMatchObject({
      ok: false,
      error: expect.stringContaining('tag'),
    });
  });
});
