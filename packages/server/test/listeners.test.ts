import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequestRaw } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCert } from '@tapline/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/server.js';
import { INGEST_TOKEN, login, PASSWORD, READ_TOKEN, testUsers, USER } from './support/auth.js';
import { httpRequest, postJson } from './support/http.js';
import { makeRecord, wireBody } from './support/records.js';
import { makeTempDir } from './support/temp-dir.js';

const ingestAuth = { authorization: `Bearer ${INGEST_TOKEN}` };
const readAuth = { authorization: `Bearer ${READ_TOKEN}` };

function httpsGet(
  url: string,
  ca: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    // The throw-away certificate names 127.0.0.1 only as its CN: trust it by CA, skip the name check.
    const tls = { ca, checkServerIdentity: () => undefined };
    const req = httpsRequest(
      url,
      { ...tls, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(parts).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The server closes the connection after a 431: a connection of its own keeps the pool clean. */
function statusWithoutKeepAlive(
  url: string,
  headers: Record<string, string>,
  method = 'GET',
  body?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequestRaw(url, { method, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('ingestion on a listener of its own', () => {
  const temp = makeTempDir();
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      ingestHost: '127.0.0.1',
      ingestPort: 0,
      dataDir: temp.dir,
      logLevel: 'silent',
      ingestTokens: [INGEST_TOKEN],
    });
  });
  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  it('the ingestion listener serves only /api/ingestData and /healthCheck', async () => {
    expect(server.ingestUrl).not.toBe(server.url);
    const ingested = await postJson(
      `${server.ingestUrl}/api/ingestData`,
      wireBody([makeRecord()]),
      ingestAuth,
    );
    expect(ingested.status).toBe(200);
    expect((await httpRequest(`${server.ingestUrl}/healthCheck`)).status).toBe(200);
    for (const path of ['/api/collections', '/metrics', '/', '/healthz', '/login', '/api/session']) {
      const response = await httpRequest(`${server.ingestUrl}${path}`, { headers: { accept: 'text/html' } });
      expect(response.status, path).toBe(404);
      expect(response.text).not.toContain('shop.example.com');
    }
  });

  it('the UI listener serves everything but ingestion', async () => {
    const posted = await postJson(`${server.url}/api/ingestData`, wireBody([makeRecord()]), ingestAuth);
    expect(posted.status).toBe(404);
    await server.waitForInventory();
    const collections = await httpRequest(`${server.url}/api/collections`);
    expect(collections.status).toBe(200);
    expect(collections.text).toContain('shop.example.com');
    expect((await httpRequest(`${server.url}/metrics`)).status).toBe(200);
    expect((await httpRequest(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('hardening on every listener', () => {
  const temp = makeTempDir();
  const certDir = mkdtempSync(join(tmpdir(), 'tapline-tls-'));
  const { cert, key } = selfSignedCert();
  let server: RunningServer;
  let plain: RunningServer;
  const plainDir = makeTempDir();

  beforeAll(async () => {
    writeFileSync(join(certDir, 'cert.pem'), cert);
    writeFileSync(join(certDir, 'key.pem'), key);
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      ingestHost: '127.0.0.1',
      ingestPort: 0,
      dataDir: temp.dir,
      logLevel: 'silent',
      ingestTokens: [INGEST_TOKEN],
      tls: { cert: join(certDir, 'cert.pem'), key: join(certDir, 'key.pem') },
      security: { readTokens: [READ_TOKEN], users: await testUsers(), authFailuresPerMinute: 20 },
    });
    plain = await startServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: plainDir.dir,
      logLevel: 'silent',
      security: { readTokens: [READ_TOKEN], corsOrigins: ['https://tools.example.com'] },
    });
  });
  afterAll(async () => {
    await server?.close();
    await plain?.close();
    temp.remove();
    plainDir.remove();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('serves HTTPS on both listeners with HSTS, and the session cookie is Secure', async () => {
    expect(server.url).toMatch(/^https:/);
    expect(server.ingestUrl).toMatch(/^https:/);
    const ingested = await httpsGet(`${server.ingestUrl}/api/ingestData`, cert, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...ingestAuth },
      body: wireBody([makeRecord()]),
    });
    expect(ingested.status).toBe(200);
    expect(ingested.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    const read = await httpsGet(`${server.url}/api/collections`, cert, { headers: readAuth });
    expect(read.status).toBe(200);
    expect(read.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    const signedIn = await httpsGet(`${server.url}/login`, cert, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user: USER, password: PASSWORD, next: '/' }).toString(),
    });
    expect(signedIn.status).toBe(303);
    expect(String(signedIn.headers['set-cookie'])).toMatch(/; Secure/);
    expect((await httpRequest(`${plain.url}/healthz`)).headers['strict-transport-security']).toBeUndefined();
  });

  it('sends the security headers on answers, errors and 404s alike', async () => {
    for (const [path, headers] of [
      ['/api/collections', readAuth],
      ['/api/collections', {}],
      ['/no/such/route', readAuth],
      ['/login', {}],
    ] as const) {
      const response = await httpsGet(`${server.url}${path}`, cert, { headers });
      expect(response.headers['x-content-type-options'], path).toBe('nosniff');
      expect(response.headers['x-frame-options'], path).toBe('DENY');
      expect(response.headers['referrer-policy'], path).toBe('no-referrer');
      expect(response.headers['content-security-policy'], path).toMatch(/frame-ancestors 'none'/);
      expect(response.headers['access-control-allow-origin'], path).toBeUndefined();
    }
    const page = await httpsGet(`${server.url}/login`, cert);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(page.text).toContain('type="password"');
  });

  it('answers CORS only for configured origins', async () => {
    const allowed = await httpRequest(`${plain.url}/api/collections`, {
      headers: { ...readAuth, origin: 'https://tools.example.com' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://tools.example.com');
    const other = await httpRequest(`${plain.url}/api/collections`, {
      headers: { ...readAuth, origin: 'https://evil.example' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('limits headers (431) and bodies (413) on every route', async () => {
    // The server closes the connection after a 431: keep this one out of the keep-alive pool.
    const big = { 'x-filler': 'x'.repeat(20_000) };
    expect(
      (await httpRequest(`${plain.url}/api/collections`, { headers: { ...readAuth, ...big } })).status,
    ).toBe(431);
    const json = { ...readAuth, 'content-type': 'application/json' };
    expect(
      await statusWithoutKeepAlive(`${plain.url}/api/collections`, json, 'POST', 'x'.repeat(70 * 1024)),
    ).toBe(413);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const password = `user=a&password=${'x'.repeat(10_000)}`;
    expect(await statusWithoutKeepAlive(`${plain.url}/login`, form, 'POST', password)).toBe(413);
  });

  it('rate-limits failed token checks per client: a burst gets 429, valid credentials are not counted', async () => {
    const bad = () =>
      httpRequest(`${plain.url}/api/collections`, { headers: { authorization: 'Bearer wrong' } });
    const good = () => httpRequest(`${plain.url}/api/collections`, { headers: readAuth });
    for (let i = 0; i < 19; i++) expect((await bad()).status).toBe(401);
    for (let i = 0; i < 40; i++) expect((await good()).status).toBe(200);
    expect((await bad()).status).toBe(401);
    const limited = await bad();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({ code: 'TAPLINE_SERVER_RATE_LIMITED' });
  });

  it('rate-limits failed logins and failed ingestion tokens too', async () => {
    for (let i = 0; i < 20; i++) {
      const failed = await httpsGet(`${server.url}/login`, cert, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'user=ann&password=nope',
      });
      expect(failed.status).toBe(401);
    }
    const loginAs = (password: string) =>
      httpsGet(`${server.url}/login`, cert, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ user: USER, password }).toString(),
      });
    expect((await loginAs('still wrong')).status).toBe(429);
    // While over the limit no password is checked at all, so guessing on cannot find the right one.
    expect((await loginAs(PASSWORD)).status).toBe(429);
    for (let i = 0; i < 20; i++) {
      const failed = await httpsGet(`${server.ingestUrl}/api/ingestData`, cert, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
        body: '{"batchData":[]}',
      });
      expect(failed.status).toBe(401);
    }
    const burst = await httpsGet(`${server.ingestUrl}/api/ingestData`, cert, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
      body: '{"batchData":[]}',
    });
    expect(burst.status).toBe(429);
  });

  it('a read-only login link on an open loopback server goes to the dashboard', async () => {
    const temp2 = makeTempDir();
    const open = await startServer({ host: '127.0.0.1', port: 0, dataDir: temp2.dir, logLevel: 'silent' });
    try {
      const response = await httpRequest(`${open.url}/login`);
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe('/');
      expect((await login(open.url, USER, PASSWORD)).status).toBe(404);
    } finally {
      await open.close();
      temp2.remove();
    }
  });
});
