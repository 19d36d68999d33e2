import type { TrafficRecord } from '@tapline/contracts';
import { type DeclaredRoute, declaredRouteOf } from './declared-route.js';
import type { CollectionState, EndpointState } from './endpoint-state.js';
import { parseJsonBody } from './flatten.js';
import { type GraphqlRequestItem, parseGraphqlOperations } from './graphql-operations.js';
import { matchStringTemplate } from './string-template-match.js';
import { type TemplatedPath, templatePath } from './template-path.js';

/**
 * Which endpoint a record lands on, shared by the engine (which creates it when missing) and the
 * look-up for records the status filter keeps out (which creates nothing).
 */

const GRAPHQL_PATH_RE = /graphql/i;
/** Route cache entries per collection before it starts again (paths that matched a STRING template). */
const ROUTE_CACHE_LIMIT = 10_000;

export function methodOf(r: TrafficRecord): string {
  return typeof r.method === 'string' && r.method.length > 0 ? r.method.toUpperCase() : 'GET';
}

/**
 * A record sent to a GraphQL path (or from AppSync): its parsed request body, and its operations when the
 * body is GraphQL (null otherwise: it is placed as REST, reusing the parsed body). Undefined for any other
 * record.
 */
export function graphqlRequestOf(
  r: TrafficRecord,
  pathOnly: string,
  requestBody: string,
): { parsed: unknown; items: GraphqlRequestItem[] | null } | undefined {
  if (!GRAPHQL_PATH_RE.test(pathOnly) && r.tag?.source !== 'AppSync') return undefined;
  const parsed = parseJsonBody(requestBody);
  return { parsed, items: parsed === undefined ? null : parseGraphqlOperations(parsed) };
}

export interface RestRoute {
  templated: TemplatedPath;
  /** The route the trigger declared: its path is used as it is (no templating, no STRING match). */
  declared: DeclaredRoute | null;
  /** The endpoint's path. */
  path: string;
  /** `METHOD path`: the key of the collection's endpoint map. */
  key: string;
}

export function restRouteOf(r: TrafficRecord, method: string, pathOnly: string): RestRoute {
  const templated = templatePath(pathOnly);
  const declared = declaredRouteOf(r.declaredRoute, templated.rawSegments);
  const path = declared === null ? templated.path : declared.path;
  return { templated, declared, path, key: `${method} ${path}` };
}

/**
 * The endpoint the route lands on if the collection has it: the same path, or (for a route nobody
 * declared) a STRING template it matches, remembered in the collection's route cache.
 */
export function existingRestEndpoint(
  collection: CollectionState,
  method: string,
  route: RestRoute,
): EndpointState | undefined {
  const ep = collection.endpoints.get(route.key) ?? collection.routeCache.get(route.key);
  if (ep !== undefined || route.declared !== null) return ep;
  const matched = matchStringTemplate(collection, method, route.templated.segments);
  if (matched !== undefined) {
    if (collection.routeCache.size > ROUTE_CACHE_LIMIT) collection.routeCache.clear();
    collection.routeCache.set(route.key, matched);
  }
  return matched;
}
