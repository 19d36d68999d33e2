import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/server.js';
import {
  INGEST_TOKEN,
  login,
  PASSWORD,
  READ_TOKEN,
  sessionCookieOf,
  testUsers,
  USER,
} from './support/auth.js';
import { httpRequest } from './support/http.js';
import { makeRecord, wireBody } from './support/records.js';
import { makeTempDir } from './support/temp-dir.js';

/** Connections from this address carry a trusted proxy's user header; 127.0.0.1 is not trusted. */
const PROXY_ADDRESS = '127.0.0.2';

type Credential = 'none' | 'ingestToken' | 'readToken' | 'session' | 'proxyAllowed' | 'proxyDisallowed';
const CREDENTIALS: Credential[] = [
  'none',
  'ingestToken',
  'readToken',
  'session',
  'proxyAllowed',
  'proxyDisallowed',
];
const READERS: ReadonlySet<Credential> = new Set(['readToken', 'session', 'proxyAllowed']);

describe('every route x every kind of credential', () => {
  const temp = makeTempDir();
  let server: RunningServer;
  let cookie: string;
  let collectionId: string;
  let endpointId: string;

  beforeAll(async () => {
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: temp.dir,
      logLevel: 'silent',
      workerMode: 'inline',
      ingestTokens: [INGEST_TOKEN],
      security: {
        readTokens: [READ_TOKEN],
        users: await testUsers(),
        trustedProxies: [PROXY_ADDRESS],
        authFailuresPerMinute: 100_000,
      },
    });
    const ingest = await httpRequest(`${server.url}/api/ingestData`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_TOKEN}` },
      body: wireBody([makeRecord()]),
    });
    expect(ingest.status).toBe(200);
    await server.waitForInventory();
    const auth = { authorization: `Bearer ${READ_TOKEN}` };
    const collections = (await httpRequest(`${server.url}/api/collections`, { headers: auth })).json() as {
      collections: { id: string }[];
    };
    collectionId = collections.collections[0]?.id as string;
    const endpoints = (
      await httpRequest(`${server.url}/api/collections/${collectionId}/endpoints`, { headers: auth })
    ).json() as { endpoints: { id: string }[] };
    endpointId = endpoints.endpoints[0]?.id as string;
    const signedIn = await login(server.url, USER, PASSWORD);
    expect(signedIn.status).toBe(303);
    cookie = sessionCookieOf(signedIn);
  });
  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  function send(method: string, path: string, credential: Credential, extra: Record<string, string> = {}) {
    const headers: Record<string, string> = { ...extra };
    if (credential === 'ingestToken') headers.authorization = `Bearer ${INGEST_TOKEN}`;
    if (credential === 'readToken') headers.authorization = `Bearer ${READ_TOKEN}`;
    if (credential === 'session') headers.cookie = cookie;
    if (credential === 'proxyAllowed' || credential === 'proxyDisallowed')
      headers['x-forwarded-user'] = 'sso-user';
    const body = method === 'POST' ? wireBody([makeRecord()]) : undefined;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return httpRequest(`${server.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      ...(credential === 'proxyAllowed' ? { localAddress: PROXY_ADDRESS } : {}),
    });
  }

  const readRoutes = () => [
    '/api/collections',
    `/api/collections/${collectionId}`,
    `/api/collections/${collectionId}/endpoints`,
    `/api/endpoints/${endpointId}`,
    `/api/collections/${collectionId}/openapi.json`,
    '/metrics',
    '/api/session',
  ];

  for (const credential of CREDENTIALS) {
    it(`read routes with ${credential}`, async () => {
      for (const path of readRoutes()) {
        const response = await send('GET', path, credential);
        expect(response.status, `${path}: ${response.text}`).toBe(READERS.has(credential) ? 200 : 401);
        if (!READERS.has(credential)) {
          expect(response.headers['www-authenticate']).toBe('Bearer realm="tapline"');
          expect(response.text).not.toContain('shop.example.com');
        }
      }
    });

    it(`the dashboard with ${credential}`, async () => {
      const response = await send('GET', `/collections/${collectionId}?sort=path`, credential, {
        accept: 'text/html',
      });
      if (READERS.has(credential)) expect(response.status).toBe(200);
      else {
        expect(response.status).toBe(302);
        expect(response.headers.location).toBe(
          `/login?next=${encodeURIComponent(`/collections/${collectionId}?sort=path`)}`,
        );
      }
    });

    it(`ingestion with ${credential}`, async () => {
      const response = await send('POST', '/api/ingestData', credential);
      expect(response.status, response.text).toBe(credential === 'ingestToken' ? 200 : 401);
    });

    it(`public routes with ${credential}`, async () => {
      for (const path of ['/healthz', '/healthCheck', '/login']) {
        expect((await send('GET', path, credential)).status, path).toBe(200);
      }
    });
  }

  it('logout ends the session for good', async () => {
    const signedIn = await login(server.url, USER, PASSWORD);
    const own = sessionCookieOf(signedIn);
    expect(
      (await httpRequest(`${server.url}/api/session`, { headers: { cookie: own } })).json(),
    ).toMatchObject({
      user: USER,
      via: 'session',
    });
    const out = await httpRequest(`${server.url}/logout`, { method: 'POST', headers: { cookie: own } });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/login');
    expect((await httpRequest(`${server.url}/api/collections`, { headers: { cookie: own } })).status).toBe(
      401,
    );
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, signed and expiring; not Secure without TLS', async () => {
    const signedIn = await login(server.url, USER, PASSWORD, '/endpoints/x');
    expect(signedIn.headers.location).toBe('/endpoints/x');
    const header = String(signedIn.headers['set-cookie']);
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Strict/);
    expect(header).toMatch(/Max-Age=43200/);
    expect(header).not.toMatch(/Secure/);
    const value = sessionCookieOf(signedIn).split('=')[1] as string;
    expect(value).toContain('.');
    const forged = `tapline_session=${value.slice(0, -2)}xx`;
    expect((await httpRequest(`${server.url}/api/collections`, { headers: { cookie: forged } })).status).toBe(
      401,
    );
  });

  it('exchanges a read token for a session; a wrong password or token shows the form again', async () => {
    const viaToken = await login(server.url, '', READ_TOKEN);
    expect(viaToken.status).toBe(303);
    const session = sessionCookieOf(viaToken);
    expect(
      (await httpRequest(`${server.url}/api/collections`, { headers: { cookie: session } })).status,
    ).toBe(200);
    for (const [user, password] of [
      [USER, 'wrong'],
      ['', INGEST_TOKEN],
      ['nobody', PASSWORD],
    ] as const) {
      const failed = await login(server.url, user, password);
      expect(failed.status).toBe(401);
      expect(failed.text).toContain('Wrong user name, password or token.');
      expect(failed.headers['set-cookie']).toBeUndefined();
    }
  });

  it('refuses redirects off the site after login', async () => {
    for (const next of [
      '//evil.example',
      'https://evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      expect((await login(server.url, USER, PASSWORD, next)).headers.location).toBe('/');
    }
  });
});
