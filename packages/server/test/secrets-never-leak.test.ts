import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUsers } from '../src/auth/security-config.js';
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
import { httpRequest, postJson } from './support/http.js';
import { makeRecord, wireBody } from './support/records.js';
import { makeTempDir } from './support/temp-dir.js';

const SESSION_SECRET = 'session-secret-0f9e8d7c6b5a49382716';
const CAPTURED_BEARER = 'sk_live_51HcapturedBearerSecret';
const CAPTURED_PASSWORD = 'hunter2-captured-password';

describe('secrets never reach the logs or the API', () => {
  const temp = makeTempDir();
  const logged: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  let server: RunningServer;

  beforeAll(async () => {
    // The server logs to stderr; capture every line it writes, at the most verbose level.
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      logged.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: temp.dir,
      logLevel: 'trace',
      workerMode: 'inline',
      ingestTokens: [INGEST_TOKEN],
      security: { readTokens: [READ_TOKEN], users: await testUsers(), sessionSecret: SESSION_SECRET },
    });
  });
  afterAll(async () => {
    await server?.close();
    process.stderr.write = write;
    temp.remove();
  });

  it('drives ingestion, logins and reads, then finds no secret in any log line or answer', async () => {
    const answers: string[] = [];
    const keep = async <T extends { text: string; headers: Record<string, unknown> }>(
      response: Promise<T>,
    ) => {
      const result = await response;
      answers.push(result.text, JSON.stringify(result.headers));
      return result;
    };
    const record = makeRecord({
      method: 'POST',
      path: '/login',
      requestHeaders: {
        host: 'shop.example.com',
        authorization: `Bearer ${CAPTURED_BEARER}`,
        'content-type': 'application/json',
      },
      requestPayload: JSON.stringify({ user: 'ann', password: CAPTURED_PASSWORD }),
    });
    await keep(
      postJson(`${server.url}/api/ingestData`, wireBody([record]), {
        authorization: `Bearer ${INGEST_TOKEN}`,
      }),
    );
    await keep(
      postJson(`${server.url}/api/ingestData`, wireBody([record]), { authorization: `Bearer ${READ_TOKEN}` }),
    );
    await keep(
      postJson(`${server.url}/api/ingestData`, '{"batchData":[{}]}', {
        authorization: `Bearer ${INGEST_TOKEN}`,
      }),
    );
    await server.waitForInventory();
    await keep(login(server.url, USER, `${PASSWORD}x`));
    await keep(login(server.url, '', INGEST_TOKEN));
    const signedIn = await keep(login(server.url, USER, PASSWORD));
    const cookie = sessionCookieOf(signedIn);
    const asUser = { cookie };
    const asTool = { authorization: `Bearer ${READ_TOKEN}` };
    const collections = await keep(httpRequest(`${server.url}/api/collections`, { headers: asTool }));
    const ids = (JSON.parse(collections.text) as { collections: { id: string }[] }).collections.map(
      (c) => c.id,
    );
    for (const id of ids) {
      const endpoints = await keep(
        httpRequest(`${server.url}/api/collections/${id}/endpoints`, { headers: asUser }),
      );
      await keep(httpRequest(`${server.url}/api/collections/${id}/openapi.json`, { headers: asUser }));
      for (const endpoint of (JSON.parse(endpoints.text) as { endpoints: { id: string }[] }).endpoints) {
        await keep(httpRequest(`${server.url}/api/endpoints/${endpoint.id}`, { headers: asTool }));
      }
    }
    await keep(httpRequest(`${server.url}/metrics`, { headers: asTool }));
    await keep(httpRequest(`${server.url}/api/session`, { headers: asUser }));
    await keep(httpRequest(`${server.url}/login?next=/x`));
    await keep(httpRequest(`${server.url}/logout`, { method: 'POST', headers: asUser }));
    expect(answers.join('').length).toBeGreaterThan(1000);
    expect(answers.some((text) => text.includes('****'))).toBe(true);

    const cookieValue = cookie.split('=')[1] as string;
    const secrets = [INGEST_TOKEN, READ_TOKEN, PASSWORD, SESSION_SECRET, CAPTURED_BEARER, CAPTURED_PASSWORD];
    const everything = [...logged, ...answers];
    for (const secret of secrets) {
      for (const text of everything)
        expect(text.includes(secret), `${secret} in ${text.slice(0, 200)}`).toBe(false);
    }
    // The cookie goes back to its owner once (Set-Cookie), never into a log line.
    for (const line of logged) expect(line.includes(cookieValue)).toBe(false);
  });

  it('a plain password mistyped where a hash belongs is not echoed in the error', () => {
    expect(() => parseUsers('TAPLINE_USERS', 'ann:my-plain-password', /,/)).toThrow(/tapline user hash/);
    try {
      parseUsers('TAPLINE_USERS', 'ann:my-plain-password', /,/);
    } catch (error) {
      expect(String(error)).not.toContain('my-plain-password');
    }
  });
});
