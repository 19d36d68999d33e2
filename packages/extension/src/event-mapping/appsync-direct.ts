import { appSyncAuth } from './platform-auth.js';
import {
  flatHeaders,
  headerValue,
  isObject,
  type JsonObject,
  type RequestShape,
  str,
} from './request-shape.js';

/** The root operation types; fields of other types are resolved on their own (`Post.author`). */
const ROOT_TYPES: ReadonlySet<string> = new Set(['Query', 'Mutation', 'Subscription']);

/**
 * AppSync direct Lambda resolvers (no mapping template): the event is AppSync's context itself,
 * `{arguments, identity, source, request, info: {fieldName, parentTypeName, ...}, prev, stash}`.
 */
export function isAppSyncDirectEvent(event: unknown): event is JsonObject & { info: JsonObject } {
  return (
    isObject(event) &&
    isObject(event.info) &&
    typeof event.info.fieldName === 'string' &&
    typeof event.info.parentTypeName === 'string' &&
    'arguments' in event
  );
}

function firstAddress(forwardedFor: string | undefined): string {
  if (forwardedFor === undefined) return '';
  const comma = forwardedFor.indexOf(',');
  return (comma < 0 ? forwardedFor : forwardedFor.slice(0, comma)).trim();
}

/**
 * The client's GraphQL request, recorded as the `akto_data` template records it: `POST /graphql`, the
 * client's headers, a body `{operationName: <field>, query: "", variables: <arguments>, parentTypeName,
 * selectionSetGraphQL}`, tag `source=AppSync`. Fields of non-root types become `/graphql/<Type>/<field>`.
 */
export function mapAppSyncDirect(event: JsonObject & { info: JsonObject }): RequestShape {
  const info = event.info;
  const fieldName = info.fieldName as string;
  const parentTypeName = info.parentTypeName as string;
  const request = isObject(event.request) ? event.request : {};
  const headers = flatHeaders(request.headers);
  const domainName = str(request.domainName);
  if (domainName !== undefined && domainName !== '' && headerValue(headers, 'host') === undefined)
    headers.host = domainName;
  const payload: JsonObject = {
    operationName: fieldName,
    query: '',
    variables: isObject(event.arguments) ? event.arguments : {},
    parentTypeName,
  };
  const selection = str(info.selectionSetGraphQL);
  if (selection !== undefined && selection !== '') payload.selectionSetGraphQL = selection;
  const identity = isObject(event.identity) ? event.identity : undefined;
  const sourceIp =
    identity !== undefined && Array.isArray(identity.sourceIp) ? str(identity.sourceIp[0]) : undefined;
  return {
    kind: 'appsync',
    direct: true,
    path: ROOT_TYPES.has(parentTypeName) ? '/graphql' : `/graphql/${parentTypeName}/${fieldName}`,
    method: (headerValue(headers, 'x-forwarded-method') || 'POST').toUpperCase(),
    headers,
    body: JSON.stringify(payload),
    ip: firstAddress(headerValue(headers, 'x-forwarded-for')) || sourceIp || '',
    tags: { source: 'AppSync' },
    fieldName,
    platform: { platformAuth: appSyncAuth(event.identity) },
  };
}

/** A `BatchInvoke`: an array whose every item is a direct resolver event. */
export function isAppSyncBatch(event: unknown): event is (JsonObject & { info: JsonObject })[] {
  return Array.isArray(event) && event.length > 0 && event.every(isAppSyncDirectEvent);
}
