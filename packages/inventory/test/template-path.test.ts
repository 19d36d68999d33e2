import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathParameterName, templatePath } from '../src/index.js';

const TABLE: [string, string][] = [
  ['/users/42', '/users/INTEGER'],
  ['/users/42/', '/users/INTEGER'],
  ['/users/-7', '/users/INTEGER'],
  ['/users/42?expand=orders&limit=10', '/users/INTEGER'],
  ['/prices/3.5/history', '/prices/FLOAT/history'],
  ['/items/5f8d0d55b54764421b7156c9', '/items/OBJECT_ID'],
  ['/posts/7d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b', '/posts/UUID'],
  ['/by-email/jane@example.com', '/by-email/STRING'],
  ['/by-email/jane%40example.com', '/by-email/STRING'],
  ['/tokens/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', '/tokens/STRING'],
  ['/events/evt_1NG8Du2eZvKYlo2CUI79vXWy', '/events/STRING'],
  ['/orders/order-123456', '/orders/STRING'],
  ['/v1/users', '/v1/users'], // short alphanumerics are names
  ['/api/v2/abc12', '/api/v2/abc12'], // fewer than 8 characters
  ['/files/report.pdf', '/files/report.pdf'],
  ['/users/INTEGER', '/users/INTEGER'], // a template is its own template
  ['/', '/'],
  ['', '/'],
  ['users/42', '/users/INTEGER'],
];

describe('templatePath', () => {
  it.each(TABLE)('%s → %s', (path, expected) => {
    expect(templatePath(path).path).toBe(expected);
  });

  it('keeps the raw segments for path parameters', () => {
    const t = templatePath('/users/42/orders/7d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b');
    expect(t.rawSegments).toEqual(['users', '42', 'orders', '7d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b']);
    expect(t.segments).toEqual(['users', 'INTEGER', 'orders', 'UUID']);
    expect(pathParameterName('INTEGER', 1)).toBe('INTEGER2');
  });

  it('never throws and is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.array(fc.string(), { maxLength: 6 }), (raw, segs) => {
        for (const path of [raw, `/${segs.join('/')}`]) {
          const once = templatePath(path).path;
          expect(templatePath(once).path).toBe(once);
          expect(once.startsWith('/')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
