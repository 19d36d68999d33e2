/**
 * What a request presents, before any check. Parsing is total: any header value (missing, repeated,
 * huge, control characters) yields one of these, never an exception.
 */
export type PresentedToken = { kind: 'none' } | { kind: 'bearer'; token: string } | { kind: 'malformed' };

/** Tokens longer than this are never configured; longer candidates are refused before hashing. */
export const MAX_TOKEN_LENGTH = 4096;
const BEARER = /^bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i;

/** `Authorization: Bearer <token>` (RFC 6750 syntax, printable ASCII only). */
export function parseBearer(header: unknown): PresentedToken {
  if (header === undefined) return { kind: 'none' };
  if (typeof header !== 'string' || header.length > MAX_TOKEN_LENGTH + 16) return { kind: 'malformed' };
  const match = BEARER.exec(header.trim());
  const token = match?.[1];
  return token === undefined ? { kind: 'malformed' } : { kind: 'bearer', token };
}

/** A proxy's user header: one printable value, bounded; anything else is ignored as absent. */
export function parseProxyUser(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  const user = header.trim();
  if (user === '' || user.length > 256 || !/^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/.test(user)) return undefined;
  return user;
}
