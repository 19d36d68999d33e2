import type { HeaderMap } from '@tapline/contracts';
import { isJwt } from './classify-value.js';
import type { AuthType } from './inventory-types.js';

const API_KEY_NAME_RE = /api[-_]?key|passkey/i;
const SESSION_NAME_RE = /sess|(^|[^a-z])sid([^a-z]|$)/i;
const MTLS_HEADERS: ReadonlySet<string> = new Set([
  'x-amzn-mtls-clientcert',
  'x-amzn-mtls-clientcert-leaf',
  'x-amzn-mtls-clientcert-serial-number',
  'x-ssl-client-cert',
  'x-client-cert',
  'x-forwarded-client-cert',
  'ssl-client-cert',
]);

const ORDER: Record<AuthType, number> = {
  BEARER: 0,
  BASIC: 1,
  AUTHORIZATION_HEADER: 2,
  API_KEY: 3,
  JWT: 4,
  SESSION_TOKEN: 5,
  MTLS: 6,
  IAM: 7,
  COGNITO: 8,
  OIDC: 9,
  LAMBDA_AUTHORIZER: 10,
  UNAUTHENTICATED: 11,
};

export function sortAuthTypes(types: AuthType[]): AuthType[] {
  return types.sort((a, b) => ORDER[a] - ORDER[b]);
}

/** The types headers can show (platform types come from `platformAuth`, see platform-auth-types.ts). */
type HeaderAuthType = Exclude<AuthType, 'IAM' | 'COGNITO' | 'OIDC' | 'LAMBDA_AUTHORIZER'>;
const BIT: Record<HeaderAuthType, number> = {
  BEARER: 1,
  BASIC: 2,
  AUTHORIZATION_HEADER: 4,
  API_KEY: 8,
  JWT: 16,
  SESSION_TOKEN: 32,
  MTLS: 64,
  UNAUTHENTICATED: 128,
};
const BY_BITS: AuthType[][] = [];
for (let bits = 0; bits < 128; bits++) {
  const list = (Object.keys(BIT) as HeaderAuthType[]).filter((t) => (BIT[t] & bits) !== 0);
  BY_BITS.push(Object.freeze(bits === 0 ? ['UNAUTHENTICATED'] : sortAuthTypes(list)) as AuthType[]);
}

let lastAuthorization = '';
let lastAuthorizationBits = 0;

/** The same token recurs request after request: the last answer is kept (a string compare, no hashing). */
function authorizationBits(value: string): number {
  if (value === lastAuthorization) return lastAuthorizationBits;
  let bits = 0;
  const v = value.trim();
  const space = v.indexOf(' ');
  const scheme = space > 0 ? v.slice(0, space).toLowerCase() : '';
  if (scheme === 'bearer') {
    bits |= BIT.BEARER;
    if (isJwt(v.slice(space + 1).trim())) bits |= BIT.JWT;
  } else if (scheme === 'basic') {
    bits |= BIT.BASIC;
  } else if (v.length > 0) {
    bits |= BIT.AUTHORIZATION_HEADER;
    if (isJwt(v)) bits |= BIT.JWT;
  }
  lastAuthorization = value;
  lastAuthorizationBits = bits;
  return bits;
}

/** RFC 6750 `b64token`: what follows `Bearer ` when it is a credential and not prose. */
const B64TOKEN_RE = /^[A-Za-z0-9\-._~+/]+=*$/;
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

/** `Basic <base64 of user:password>`: the value decodes to text with a colon. */
function isBasicCredential(token: string): boolean {
  if (token.length < 4 || token.length % 4 !== 0 || !BASE64_RE.test(token)) return false;
  return Buffer.from(token, 'base64').toString('latin1').includes(':');
}

/**
 * `Bearer <token>` / `Basic <credentials>` in a header other than Authorization, or in a cookie. Stricter
 * than for Authorization itself: the token must look like one, so `x-note: Basic plan` is not a credential.
 */
function credentialBits(raw: string): number {
  const c = raw.charCodeAt(0);
  if (c !== 0x42 && c !== 0x62) return 0; // B or b
  const value = raw.includes('%20') ? raw.replaceAll('%20', ' ') : raw; // cookie values are URL-encoded
  const space = value.indexOf(' ');
  if (space !== 5 && space !== 6) return 0;
  const scheme = value.slice(0, space).toLowerCase();
  const token = value.slice(space + 1).trim();
  if (scheme === 'bearer' && token.length >= 8 && B64TOKEN_RE.test(token))
    return BIT.BEARER | (isJwt(token) ? BIT.JWT : 0);
  if (scheme === 'basic' && isBasicCredential(token)) return BIT.BASIC;
  return 0;
}

/** Header names already seen to carry no auth: most requests repeat the same dozen names. */
const plainNames = new Set<string>();

/**
 * Auth types one request shows through its headers and cookies. `['UNAUTHENTICATED']` when it shows none.
 * `Authorization: Bearer <jwt>` gives BEARER and JWT; a raw JWT in `authorization` (AppSync Cognito/OIDC)
 * gives AUTHORIZATION_HEADER and JWT; a header named `auth` is read as Authorization; `Bearer`/`Basic`
 * credentials count in any header and in cookies. The returned array is shared and frozen.
 */
export function detectAuthTypes(headers: HeaderMap): readonly AuthType[] {
  let bits = 0;
  for (const rawName in headers) {
    const value = headers[rawName];
    if (typeof value !== 'string' || value.length === 0) continue;
    const first = value.charCodeAt(0);
    if (plainNames.has(rawName)) {
      if (first === 0x42 || first === 0x62) bits |= credentialBits(value);
      else if (value.length > 20 && first === 101 && isJwt(value)) bits |= BIT.JWT;
      continue;
    }
    const name = rawName.toLowerCase();
    if (name === 'authorization' || name === 'proxy-authorization' || name === 'auth') {
      bits |= authorizationBits(value);
    } else if (name === 'cookie') {
      for (const part of value.split(';')) {
        const eq = part.indexOf('=');
        if (eq <= 0) continue;
        const cookie = part.slice(eq + 1).trim();
        if (SESSION_NAME_RE.test(part.slice(0, eq).trim())) bits |= BIT.SESSION_TOKEN;
        else if (isJwt(cookie)) bits |= BIT.JWT;
        bits |= credentialBits(cookie);
      }
    } else {
      // A credential scheme counts wherever it is sent (`x-access-token: Bearer ...`).
      const credential = credentialBits(value);
      bits |= credential;
      if (MTLS_HEADERS.has(name)) {
        bits |= BIT.MTLS;
      } else if (API_KEY_NAME_RE.test(name)) {
        bits |= BIT.API_KEY;
      } else if (SESSION_NAME_RE.test(name)) {
        bits |= BIT.SESSION_TOKEN;
      } else {
        if (credential === 0 && plainNames.size < 10_000) plainNames.add(rawName);
        if (value.length > 20 && first === 101 && isJwt(value)) bits |= BIT.JWT;
      }
    }
  }
  return BY_BITS[bits] as AuthType[];
}
