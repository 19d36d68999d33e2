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

/** Application Load Balancer target events. */
export function isAlbEvent(event: JsonObject): boolean {
  return isObject(event.requestContext) && isObject(event.requestContext.elb);
}

export function mapAlb(event: JsonObject): RequestShape {
  const headers = mergeHeaders(event.headers, event.multiValueHeaders);
  return {
    kind: 'http',
    // ALB passes query values exactly as the client sent them (still URL-encoded): do not encode again.
    path: `${str(event.path) ?? '/'}${queryString(event.multiValueQueryStringParameters, event.queryStringParameters, false)}`,
    method: (str(event.httpMethod) ?? 'GET').toUpperCase(),
    headers,
    body: decodeBody(event.body, event.isBase64Encoded, headerValue(headers, 'content-type')),
    ip: firstForwardedIp(headers),
  };
}
