import { describe, expect, it } from 'vitest';
import { type AuthType, detectAuthTypes } from '../src/index.js';

const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJhZGEiLCJ0b2tlbl91c2UiOiJhY2Nlc3MifQ.c2lnbmF0dXJl';

const TABLE: [string, Record<string, string>, AuthType[]][] = [
  ['bearer JWT', { Authorization: `Bearer ${JWT}` }, ['BEARER', 'JWT']],
  ['bearer opaque', { authorization: 'Bearer abc123' }, ['BEARER']],
  ['basic', { authorization: 'Basic dXNlcjpwYXNz' }, ['BASIC']],
  ['raw JWT in authorization (AppSync)', { authorization: JWT }, ['AUTHORIZATION_HEADER', 'JWT']],
  ['other authorization', { authorization: 'AWS4-HMAC-SHA256 Credential=x' }, ['AUTHORIZATION_HEADER']],
  ['x-api-key', { 'x-api-key': 'k-123' }, ['API_KEY']],
  ['apikey', { apikey: 'k-123' }, ['API_KEY']],
  ['passkey', { 'x-passkey': 'p' }, ['API_KEY']],
  ['session cookie', { cookie: 'session_id=abc; theme=dark' }, ['SESSION_TOKEN']],
  ['JSESSIONID', { Cookie: 'JSESSIONID=abc' }, ['SESSION_TOKEN']],
  ['connect.sid', { cookie: 'connect.sid=s%3Aabc' }, ['SESSION_TOKEN']],
  ['session header', { 'x-session-token': 'abc' }, ['SESSION_TOKEN']],
  ['JWT in a cookie', { cookie: `id_token=${JWT}` }, ['JWT']],
  ['mTLS (API Gateway)', { 'x-amzn-mtls-clientcert': '-----BEGIN CERTIFICATE-----' }, ['MTLS']],
  ['mTLS (nginx)', { 'x-ssl-client-cert': 'MIIB' }, ['MTLS']],
  ['client cert', { 'x-client-cert': 'MIIB' }, ['MTLS']],
  [
    'several',
    { authorization: `Bearer ${JWT}`, 'x-api-key': 'k', cookie: 'sid=1' },
    ['BEARER', 'API_KEY', 'JWT', 'SESSION_TOKEN'],
  ],
  ['header named auth', { auth: 'token-8f7e6d5c' }, ['AUTHORIZATION_HEADER']],
  ['bearer in a header named auth', { Auth: `Bearer ${JWT}` }, ['BEARER', 'JWT']],
  ['bearer in any header', { 'x-access-token': 'Bearer abcdef123456' }, ['BEARER']],
  ['bearer JWT in any header', { 'x-forwarded-authorization': `bearer ${JWT}` }, ['BEARER', 'JWT']],
  ['basic in any header', { 'x-upstream-credentials': 'Basic dXNlcjpwYXNz' }, ['BASIC']],
  ['bearer in a cookie', { cookie: `theme=dark; auth=Bearer%20${JWT}` }, ['BEARER', 'JWT']],
  ['basic in a cookie', { cookie: 'creds=Basic dXNlcjpwYXNz' }, ['BASIC']],
  ['prose is not a credential', { 'x-plan': 'Basic plan', 'x-note': 'Bearer of news' }, ['UNAUTHENTICATED']],
  ['base64 without a colon is not basic', { 'x-tier': 'Basic dGllcjE=' }, ['UNAUTHENTICATED']],
  ['none', { host: 'api.example.com', accept: '*/*' }, ['UNAUTHENTICATED']],
  ['empty authorization', { authorization: '' }, ['UNAUTHENTICATED']],
];

describe('detectAuthTypes', () => {
  it.each(TABLE)('%s', (_name, headers, expected) => {
    expect([...detectAuthTypes(headers)]).toEqual(expected);
  });

  it('still finds a credential in a header name already seen without one', () => {
    expect([...detectAuthTypes({ 'x-relay': 'plain value' })]).toEqual(['UNAUTHENTICATED']);
    expect([...detectAuthTypes({ 'x-relay': 'Bearer abcdef123456' })]).toEqual(['BEARER']);
    expect([...detectAuthTypes({ 'x-relay': 'Basic dXNlcjpwYXNz' })]).toEqual(['BASIC']);
  });
});
