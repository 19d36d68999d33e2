import { hashPassword } from '../../src/auth/password-hash.js';
import { type HttpResult, httpRequest } from './http.js';

export const INGEST_TOKEN = 'ingest-token-5f1d7a0c9b';
export const READ_TOKEN = 'read-token-8e2b4c6d1a';
export const PASSWORD = 'correct horse battery staple';
export const USER = 'ann';

/** A users entry with a cheap scrypt cost, so tests stay fast (production hashes use ln=15). */
export async function testUsers(): Promise<{ name: string; hash: string }[]> {
  return [{ name: USER, hash: await hashPassword(PASSWORD, 10) }];
}

export function sessionCookieOf(response: HttpResult): string {
  const header = response.headers['set-cookie'];
  const cookies = Array.isArray(header) ? header : header === undefined ? [] : [header];
  const cookie = cookies.find((item) => item.startsWith('tapline_session='));
  if (cookie === undefined)
    throw new Error(`no session cookie in ${response.status} ${JSON.stringify(header)}`);
  return cookie.split(';')[0] as string;
}

export function login(baseUrl: string, user: string, password: string, next = '/'): Promise<HttpResult> {
  return httpRequest(`${baseUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user, password, next }).toString(),
  });
}
