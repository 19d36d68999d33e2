import { pathWithoutQuery } from './template-path.js';

/** `{id}` or the greedy `{proxy+}`: a path parameter segment of a declared API Gateway route. */
const ROUTE_PARAM_RE = /^\{([A-Za-z0-9_.-]+)(\+?)\}$/;

/** A route parameter's name when `segment` is one (`{id}` → `id`, `{proxy+}` → `proxy`), else null. */
export function routeParameterName(segment: string): { name: string; greedy: boolean } | null {
  const m = ROUTE_PARAM_RE.exec(segment);
  return m === null ? null : { name: m[1] as string, greedy: m[2] === '+' };
}

/** True when an endpoint path contains a declared route parameter segment. */
export function hasRouteParameters(path: string): boolean {
  return path.split('/').some((s) => routeParameterName(s) !== null);
}

/** One declared path parameter of a record: its name, value and the raw segment positions it covers. */
export interface DeclaredPathValue {
  name: string;
  raw: string;
  /** First and last raw segment index (a greedy parameter can span several). */
  first: number;
  last: number;
}

export interface DeclaredRoute {
  /** The endpoint path: the declared route, normalised like request paths (no trailing slash). */
  path: string;
  values: DeclaredPathValue[];
}

/**
 * The endpoint a record's declared route names, and the values of its parameters taken from the record's
 * raw path segments. A custom-domain base path can prefix the request path, so segments are aligned from
 * the end; a greedy `{proxy+}` (always last) takes everything after the prefix that matched its static
 * segments. Null when the route is not a path (the record then keeps the heuristics).
 */
export function declaredRouteOf(route: unknown, rawSegments: readonly string[]): DeclaredRoute | null {
  if (typeof route !== 'string' || route.length === 0 || route.charCodeAt(0) !== 47) return null;
  const path = pathWithoutQuery(route);
  const segments = path === '/' ? [] : path.slice(1).split('/');
  const last = segments[segments.length - 1];
  const greedy = last !== undefined && routeParameterName(last)?.greedy === true;
  const offset = greedy
    ? greedyOffset(segments, rawSegments)
    : Math.max(0, rawSegments.length - segments.length);
  const values: DeclaredPathValue[] = [];
  for (let j = 0; j < segments.length; j++) {
    const param = routeParameterName(segments[j] as string);
    if (param === null) continue;
    const i = offset + j;
    if (i >= rawSegments.length) continue;
    if (param.greedy) {
      values.push({
        name: param.name,
        raw: rawSegments.slice(i).join('/'),
        first: i,
        last: rawSegments.length - 1,
      });
    } else {
      values.push({ name: param.name, raw: rawSegments[i] as string, first: i, last: i });
    }
  }
  return { path, values };
}

/** Where the route's prefix (everything before `{proxy+}`) starts in the raw path: first position whose static segments match. */
function greedyOffset(segments: readonly string[], raw: readonly string[]): number {
  const prefix = segments.length - 1;
  for (let k = 0; k + prefix <= raw.length; k++) {
    let ok = true;
    for (let j = 0; j < prefix; j++) {
      const s = segments[j] as string;
      if (routeParameterName(s) === null && s !== raw[k + j]) {
        ok = false;
        break;
      }
    }
    if (ok) return k;
  }
  return 0;
}
