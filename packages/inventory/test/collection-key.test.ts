import { describe, expect, it } from 'vitest';
import { collectionKeyOf, normaliseHost } from '../src/collection-key.js';
import { record } from './helpers/records.js';

describe('collection keys', () => {
  it.each([
    ['API.Example.com:443', 'api.example.com'],
    ['api.example.com:8443', 'api.example.com:8443'],
    ['internal_svc.local', 'internal_svc.local'],
    ['example.com.', 'example.com.'],
  ])('%s names the collection %s', (raw, host) => {
    expect(normaliseHost(raw)).toBe(host);
  });

  it.each([
    '<script>alert(1)</script>',
    'api example.com',
    '"api.example.com"',
    "api.example.com'",
    'a.com/evil',
    'a.com:99999999',
    '10.0.0.1:8080',
    '[::1]:443',
    '[<b>]',
    '::1',
    `${'a'.repeat(300)}.com`,
    '',
  ])('%j is not a host name: no collection of its own', (raw) => {
    expect(normaliseHost(raw)).toBeNull();
    expect(collectionKeyOf(record({ requestHeaders: { host: raw } }))).toEqual({
      key: 'vxlan-0',
      host: null,
    });
  });

  it('uses the host of an absolute-URL path when there is no Host header (or an invalid one)', () => {
    expect(collectionKeyOf(record({ requestHeaders: {}, urlHost: 'Shop.Example.com' }))).toEqual({
      key: 'shop.example.com',
      host: 'shop.example.com',
    });
    expect(
      collectionKeyOf(record({ requestHeaders: { host: 'a b' }, urlHost: 'shop.example.com' })).key,
    ).toBe('shop.example.com');
    // The Host header, when it is one, wins.
    expect(
      collectionKeyOf(record({ requestHeaders: { host: 'api.example.com' }, urlHost: 'shop.example.com' }))
        .key,
    ).toBe('api.example.com');
  });
});
