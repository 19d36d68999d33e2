import {
  decodeBody,
  firstForwardedIp,
  headerValue,
  isObject,
  type JsonObject,
  mergeHeaders,
  queryString,
  type RequestShape,
  str,
} from './request-shape.js';

/** REST API (v1 payload) proxy integration events. */
export function isApiGatewayV1Event(event: JsonObject): boolean {
  return (
    typeof event.httpMethod === 'string' && typeof event.path === 'string' && isObject(event.requestContext)
  );
}

export function mapApiGatewayV1(event: JsonObject): RequestShape {
  const headers = mergeHeaders(event.headers, event.multiValueHeaders);
  const context = event.requestContext as JsonObject;
  const identity = isObject(context.identity) ? context.identity : {};
  return {
    kind: 'http',
    path: `${str(event.path)}${queryString(event.multiValueQueryStringParameters, event.queryStringParameters, true)}`,
    method: (str(event.httpMethod) ?? 'GET').toUpperCase(),
    headers,
    body: decodeBody(event.body, event.isBase64Encoded, headerValue(headers, 'content-type')),
    ip: str(identity.sourceIp) || firstForwardedIp(headers),
  };
}
