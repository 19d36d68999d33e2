/** Small helpers for the names and values of parameters as the engine stores them. */

const MAX_EXAMPLE_LENGTH = 200;

/**
 * Lower-cased header names, memoised: the same few names recur in every record, and the cached string
 * keeps its hash and is the very key of the parameter map, so the look-up that follows is a pointer match
 * (a fresh string would be hashed and compared character by character against a key far out of cache).
 */
const lowerNames = new Map<string, string>();
export function lowerCaseName(name: string): string {
  let lower = lowerNames.get(name);
  if (lower === undefined) {
    lower = name.toLowerCase();
    if (lowerNames.size >= 10_000) lowerNames.clear();
    lowerNames.set(name, lower);
  }
  return lower;
}

export function exampleOf(value: unknown): string {
  const s = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return s.length > MAX_EXAMPLE_LENGTH ? `${s.slice(0, MAX_EXAMPLE_LENGTH)}…` : s;
}
