/**
 * The page to return to after login: a same-origin path only. `//host`, `/\host`, schemes and control
 * characters would let a crafted login link send the user elsewhere, so they fall back to `/`.
 */
export function safeNextPath(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2048) return '/';
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\x00-\x1f\x7f\\]/.test(raw)) return '/';
  if (raw === '/login' || raw.startsWith('/login?') || raw === '/logout') return '/';
  return raw;
}
