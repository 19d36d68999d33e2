/**
 * Case-insensitive header look-up tuned for the hot path: the exact key first, then only keys of the same
 * length are lower-cased (contracts' `getHeader` lower-cases every key on a miss).
 */
export function headerValue(
  headers: Record<string, string> | undefined,
  lowerName: string,
): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const direct = headers[lowerName];
  if (typeof direct === 'string') return direct;
  const len = lowerName.length;
  for (const key in headers) {
    if (key.length === len && key.toLowerCase() === lowerName) {
      const v = headers[key];
      return typeof v === 'string' ? v : undefined;
    }
  }
  return undefined;
}
