import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBearer, parseProxyUser } from '../src/auth/credentials.js';
import { createProxyTrust } from '../src/auth/proxy-trust.js';
import { safeNextPath } from '../src/auth/safe-redirect.js';
import { type RunningServer, startServer } from '../src/server.js';
import { INGEST_TOKEN, READ_TOKEN, testUsers } from './support/auth.js';
import { httpRequest } from './support/http.js';
import { makeTempDir } from './support/temp-dir.js';

/** Header values Node's client will send: visible Latin-1 and spaces/tabs, no CR/LF (refused client-side). */
const headerText = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0xa0, max: 0xff }).map((c) => String.fromCharCode(c)),
    fc.constant('\t'),
  ),
  maxLength: 300,
});
const nearMiss = fc.oneof(
  headerText,
  fc.constantFrom(
    `Bearer ${READ_TOKEN}x`,
    `Bearer ${READ_TOKEN.slice(0, -1)}`,
    `bearer  ${READ_TOKEN.toUpperCase()}`,
    `Basic ${Buffer.from(`ann:${READ_TOKEN}`).toString('base64')}`,
    READ_TOKEN,
    `Bearer ${INGEST_TOKEN}`,
    'Bearer',
    'Bearer ',
    `Bearer ${'a'.repeat(5000)}`,
  ),
  headerText.map((text) => `Bearer ${text}`),
);
const cookieText = fc.oneof(
  headerText,
  headerText.map((text) => `tapline_session=${text}`),
  fc.constantFrom(
    'tapline_session=',
    'tapline_session=a.b',
    'tapline_session=%zz',
    `tapline_session=${READ_TOKEN}`,
  ),
);

describe('credential parsing', () => {
  it('is total: any value parses without throwing', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const bearer = parseBearer(value);
        expect(['none', 'bearer', 'malformed']).toContain(bearer.kind);
        const user = parseProxyUser(value);
        expect(user === undefined || typeof user === 'string').toBe(true);
        expect(safeNextPath(value).startsWith('/')).toBe(true);
      }),
      { numRuns: 2000 },
    );
    const trust = createProxyTrust(['10.0.0.0/8', '::1']);
    fc.assert(fc.property(fc.string(), (address) => typeof trust(address) === 'boolean'));
    expect(trust('::ffff:10.1.2.3')).toBe(true);
    expect(trust('11.0.0.1')).toBe(false);
  });

  it('safe redirects never leave the site', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const next = safeNextPath(raw);
        expect(next.startsWith('/')).toBe(true);
        expect(next.startsWith('//') || next.startsWith('/\\')).toBe(false);
        expect(new URL(next, 'https://tapline.example').origin).toBe('https://tapline.example');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('no header value crashes the server or grants access', () => {
  const temp = makeTempDir();
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: temp.dir,
      logLevel: 'silent',
      ingestTokens: [INGEST_TOKEN],
      security: {
        readTokens: [READ_TOKEN],
        users: await testUsers(),
        trustedProxies: ['10.0.0.1'],
        authFailuresPerMinute: 1_000_000,
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  it('answers 401 for every generated authorization, cookie and proxy header', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            authorization: nearMiss,
            cookie: cookieText,
            'x-forwarded-user': headerText,
            'x-api-key': fc.constantFrom(READ_TOKEN, INGEST_TOKEN),
          },
          { requiredKeys: [] },
        ),
        fc.constantFrom('/api/collections', '/metrics', '/api/session', '/api/endpoints/x'),
        async (headers, path) => {
          const response = await httpRequest(`${server.url}${path}`, { headers });
          expect(response.status, `${JSON.stringify(headers)} -> ${response.text}`).toBe(401);
        },
      ),
      { numRuns: 600 },
    );
    expect((await httpRequest(`${server.url}/healthz`)).status).toBe(200);
  });
});
