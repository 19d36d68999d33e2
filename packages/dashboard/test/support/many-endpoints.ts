import type { TrafficRecord } from '@tapline/contracts';
import { nowSeconds, record } from './seed.js';

// Four levels of nine plain words: no position ever has 10 siblings, so the engine's sibling merge
// (which turns >= 10 static siblings into a STRING template) never collapses them; 2 methods × 9^4 = 13,122.
const LEVELS = [
  ['accounts', 'billing', 'catalog', 'delivery', 'events', 'files', 'groups', 'history', 'inventory'],
  ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india'],
  ['north', 'south', 'east', 'west', 'upper', 'lower', 'inner', 'outer', 'middle'],
  ['items', 'notes', 'tags', 'links', 'stats', 'rules', 'roles', 'teams', 'zones'],
] as const;

/** A fifth level, only for counts beyond four levels (2 × 9^5 = 118,098). */
const FIFTH = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

export function distinctPaths(count: number): { method: string; path: string }[] {
  const levels: readonly (readonly string[])[] = count > 2 * 9 ** 4 ? [...LEVELS, FIFTH] : LEVELS;
  const out: { method: string; path: string }[] = [];
  const walk = (method: string, prefix: string, depth: number): void => {
    for (const word of levels[depth] ?? []) {
      if (out.length === count) return;
      if (depth === levels.length - 1) out.push({ method, path: `${prefix}/${word}` });
      else walk(method, `${prefix}/${word}`, depth + 1);
    }
  };
  for (const method of ['GET', 'POST']) walk(method, '', 0);
  if (out.length < count) throw new Error(`at most ${out.length} distinct endpoints, asked for ${count}`);
  return out;
}

/** One record per endpoint: `count` distinct endpoints in the collection of `host`. */
export function manyEndpointsTraffic(host: string, count: number): TrafficRecord[] {
  const now = nowSeconds();
  return distinctPaths(count).map(({ method, path }, i) =>
    record({
      method,
      path,
      time: now - (i % 48) * 1800,
      requestHeaders: { host, authorization: 'Bearer abc.def.ghi' },
      responsePayload: JSON.stringify({ id: i, ok: true }),
      tag: { service: 'lambda' },
    }),
  );
}
