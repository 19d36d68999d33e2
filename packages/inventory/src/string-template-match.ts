import type { CollectionState, EndpointState } from './endpoint-state.js';
import { isPathToken } from './template-path.js';

/**
 * The endpoint of a collection whose STRING template matches a path (a plain segment matches STRING),
 * when the exact templated path is not an endpoint itself. Fewest STRING positions wins.
 */
export function matchStringTemplate(
  c: CollectionState,
  method: string,
  segments: string[],
): EndpointState | undefined {
  let best: EndpointState | undefined;
  let bestStrings = Number.POSITIVE_INFINITY;
  for (const ep of c.stringTemplates) {
    const tpl = ep.segments;
    if (tpl === null || ep.row.method !== method || tpl.length !== segments.length) continue;
    let strings = 0;
    let ok = true;
    for (let i = 0; i < tpl.length; i++) {
      const t = tpl[i] as string;
      const s = segments[i] as string;
      if (t === s) continue;
      if (t === 'STRING' && s.length > 0 && !isPathToken(s)) {
        strings++;
        continue;
      }
      ok = false;
      break;
    }
    // Fewest STRING positions wins; ties go to the smaller id, so the choice does not depend on load order.
    if (
      ok &&
      (strings < bestStrings || (strings === bestStrings && best !== undefined && ep.row.id < best.row.id))
    ) {
      best = ep;
      bestStrings = strings;
    }
  }
  return best;
}
