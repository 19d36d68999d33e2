import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Constant-time membership: digests make every comparison the same length, and every configured token
 * is compared, so timing reveals neither which one matched nor how much of one.
 */
export function createTokenSet(tokens: readonly string[]): (candidate: string) => boolean {
  const expected = tokens.map(digest);
  return (candidate) => {
    const presented = digest(candidate);
    let ok = false;
    for (const token of expected) {
      if (timingSafeEqual(presented, token)) ok = true;
    }
    return ok;
  };
}
