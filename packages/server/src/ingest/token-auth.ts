import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Checks `Authorization: Bearer <t>`, `Authorization: <t>` or `X-API-KEY: <t>` against the configured
 * tokens. Digests make every comparison the same length; every token is compared, so timing does not
 * reveal which one (or how much of one) matched.
 */
export function createTokenCheck(tokens: readonly string[]): (headers: Record<string, unknown>) => boolean {
  const expected = tokens.map(digest);
  return (headers) => {
    const candidates: string[] = [];
    const authorization = headers.authorization;
    if (typeof authorization === 'string') {
      const trimmed = authorization.trim();
      candidates.push(/^bearer\s+/i.test(trimmed) ? trimmed.replace(/^bearer\s+/i, '') : trimmed);
    }
    const apiKey = headers['x-api-key'];
    if (typeof apiKey === 'string') candidates.push(apiKey.trim());
    let ok = false;
    for (const candidate of candidates) {
      const presented = digest(candidate);
      for (const token of expected) {
        if (timingSafeEqual(presented, token)) ok = true;
      }
    }
    return ok;
  };
}
