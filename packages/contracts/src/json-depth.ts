/**
 * Nesting limits for untrusted JSON. Walking a value recursively (JSON.stringify, String() of an array,
 * a recursive visitor) overflows the stack at a few thousand levels, so anything walked is checked first.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * True when `value` nests arrays or objects more than `limit` levels deep. Iterative (an explicit
 * stack), so it cannot overflow itself; stops at the first branch that is too deep.
 */
export function nestedDeeperThan(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length > 0) {
    const current = values.pop();
    const depth = depths.pop() as number;
    if (depth > limit) return true;
    if (Array.isArray(current)) {
      for (const item of current) {
        if (typeof item === 'object' && item !== null) {
          values.push(item);
          depths.push(depth + 1);
        }
      }
    } else {
      const object = current as Record<string, unknown>;
      for (const key in object) {
        if (!Object.hasOwn(object, key)) continue;
        const item = object[key];
        if (typeof item === 'object' && item !== null) {
          values.push(item);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}
