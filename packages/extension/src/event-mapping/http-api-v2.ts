import {
  decodeBody,
  flatHeaders,
  headerValue,
  isObject,
  type JsonObject,
  type RequestShape,
  str,
} from './request-shape.js';

/** HTTP API (v2 payload) and Lambda function URL events: both carry `requestContext.http`. */
export function isHttpApiV2Event(event: JsonObject): boolean {
  return isObject(event.requestContext) && isObject(event.requestContext.http);
}

export function mapHttpApiV2(event: JsonObject): RequestShape {
  const http = (event.requestContext as JsonObject).http as JsonObject;
  const headers = flatHeaders(event.headers);
  if (
    Array.isArray(event.cookies) &&
    event.cookies.length > 0 &&
    headerValue(headers, 'cookie') === undefined
  ) {
    headers.cookie = event.cookies.map(String).join('; ');
  }
  const raw = str(event.rawQueryString) ?? '';
  return {
    kind: 'http',
    path: `${str(event.rawPath) ?? str(http.path) ?? '/'}${raw === '' ? '' : `?${raw}`}`,
    method: (str(http.method) ?? 'GET').toUpperCase(),
    headers,
    body: decodeBody(event.body, event.isBase64Encoded, headerValue(headers, 'content-type')),
    ip: str(http.sourceIp) || headerValue(headers, 'x-forwarded-for') || '',
  };
}
