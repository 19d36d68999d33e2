import type { TrafficRecord } from '@tapline/contracts';
import { declaredRouteOf } from './declared-route.js';
import type { CollectionState, EndpointState } from './endpoint-state.js';
import { parseJsonBody } from './flatten.js';
import { graphqlEndpointPath, parseGraphqlOperations } from './graphql-operations.js';
import { matchStringTemplate } from './string-template-match.js';
import { pathWithoutQuery, templatePath } from './template-path.js';

const GRAPHQL_PATH_RE = /graphql/i;

/**
 * The endpoints of `collection` a record would be counted on, found the way the engine places records
 * but creating nothing: for records the status filter keeps out of the inventory, whose performance
 * (a 5xx, a timeout) still belongs to their endpoint when it exists.
 */
export function existingEndpoints(collection: CollectionState, r: TrafficRecord): EndpointState[] {
  const method = typeof r.method === 'string' && r.method.length > 0 ? r.method.toUpperCase() : 'GET';
  const pathOnly = pathWithoutQuery(r.path);
  if (GRAPHQL_PATH_RE.test(pathOnly) || r.tag?.source === 'AppSync') {
    const parsed = parseJsonBody(typeof r.requestPayload === 'string' ? r.requestPayload : '');
    const items = parsed === undefined ? null : parseGraphqlOperations(parsed);
    if (items !== null) {
      const found = new Set<EndpointState>();
      for (const item of items)
        for (const field of item.fields) {
          const ep = collection.endpoints.get(`POST ${graphqlEndpointPath(pathOnly, field)}`);
          if (ep !== undefined) found.add(ep);
        }
      return [...found];
    }
  }
  const templated = templatePath(pathOnly);
  const declared = declaredRouteOf(r.declaredRoute, templated.rawSegments);
  const key = `${method} ${declared === null ? templated.path : declared.path}`;
  const ep =
    collection.endpoints.get(key) ??
    collection.routeCache.get(key) ??
    (declared === null ? matchStringTemplate(collection, method, templated.segments) : undefined);
  return ep === undefined ? [] : [ep];
}
