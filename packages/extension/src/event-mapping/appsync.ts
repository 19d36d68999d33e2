import { appSyncAuth } from './platform-auth.js';
import {
  flatHeaders,
  headerValue,
  isObject,
  type JsonObject,
  type RequestShape,
  str,
} from './request-shape.js';

/** AppSync resolvers that follow the Akto/Tapline template put the client request in `akto_data`. */
export function isAppSyncEvent(event: unknown): event is JsonObject & { akto_data: JsonObject } {
  return isObject(event) && isObject(event.akto_data);
}

function payloadText(event: JsonObject, akto: JsonObject): string {
  const given = akto.requestPayload;
  let text: string;
  if (typeof given === 'string') text = given;
  else if (given !== undefined && given !== null) text = JSON.stringify(given);
  else {
    const field = str(akto.fieldName) ?? fieldFromInfo(event);
    return JSON.stringify({ operationName: field ?? null, query: '', variables: event.arguments ?? {} });
  }
  // The Tapline templates put these in the payload already; older templates may pass them beside it.
  const extras: JsonObject = {};
  if (typeof akto.parentTypeName === 'string') extras.parentTypeName = akto.parentTypeName;
  if (typeof akto.selectionSetGraphQL === 'string') extras.selectionSetGraphQL = akto.selectionSetGraphQL;
  if (Object.keys(extras).length === 0) return text;
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isObject(parsed)) return text;
    const missing = Object.entries(extras).filter(([k]) => parsed[k] === undefined);
    if (missing.length === 0) return text;
    return JSON.stringify({ ...parsed, ...Object.fromEntries(missing) });
  } catch {
    return text;
  }
}

function fieldFromInfo(event: JsonObject): string | undefined {
  const info = event.info;
  return (isObject(info) ? str(info.fieldName) : undefined) ?? str(event.field);
}

function operationName(payload: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(payload);
    return isObject(parsed) ? str(parsed.operationName) : undefined;
  } catch {
    return undefined;
  }
}

export function mapAppSync(event: JsonObject & { akto_data: JsonObject }): RequestShape {
  const akto = event.akto_data;
  const headers = flatHeaders(akto.requestHeaders);
  const body = payloadText(event, akto);
  const fieldName = str(akto.fieldName) ?? operationName(body) ?? fieldFromInfo(event);
  const tags: Record<string, string> = {};
  const source = str(akto.traffic_source);
  if (source !== undefined && source !== '') tags.source = source;
  const shape: RequestShape = {
    kind: 'appsync',
    path: str(akto.path) || '/graphql',
    method: (str(akto.method) || 'POST').toUpperCase(),
    headers,
    body,
    ip: str(akto.ip) || headerValue(headers, 'x-forwarded-for') || '',
    tags,
  };
  if (fieldName !== undefined) shape.fieldName = fieldName;
  // Tapline's templates pass AppSync's identity beside akto_data (null in API key mode).
  if ('identity' in event) shape.platform = { platformAuth: appSyncAuth(event.identity) };
  return shape;
}
