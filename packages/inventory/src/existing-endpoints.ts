import type { TrafficRecord } from '@tapline/contracts';
import { existingRestEndpoint, graphqlRequestOf, methodOf, restRouteOf } from './endpoint-placement.js';
import type { CollectionState, EndpointState } from './endpoint-state.js';
import { graphqlEndpointPath } from './graphql-operations.js';
import { pathWithoutQuery } from './template-path.js';

/**
 * The endpoints of `collection` a record would be counted on, found the way the engine places records
 * (endpoint-placement.ts) but creating nothing: for records the status filter keeps out of the inventory,
 * whose performance (a 5xx, a timeout) still belongs to their endpoint when it exists.
 */
export function existingEndpoints(collection: CollectionState, r: TrafficRecord): EndpointState[] {
  const method = methodOf(r);
  const pathOnly = pathWithoutQuery(r.path);
  const graphql = graphqlRequestOf(r, pathOnly, typeof r.requestPayload === 'string' ? r.requestPayload : '');
  if (graphql?.items) {
    const found = new Set<EndpointState>();
    for (const item of graphql.items)
      for (const field of item.fields) {
        const ep = collection.endpoints.get(`POST ${graphqlEndpointPath(pathOnly, field)}`);
        if (ep !== undefined) found.add(ep);
      }
    return [...found];
  }
  const ep = existingRestEndpoint(collection, method, restRouteOf(r, method, pathOnly));
  return ep === undefined ? [] : [ep];
}
