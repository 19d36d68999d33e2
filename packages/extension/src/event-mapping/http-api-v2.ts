import { httpApiAuth } from './platform-auth.js';
import {
  decodeBody,
  flatHeaders,
  headerValue,
  isObject,
  type JsonObject,
  type PlatformFacts,
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
    platform: httpApiFacts(event, event.requestContext as JsonObject),
  };
}

/**
 * The route of `routeKey` (`GET /users/{id}` → `/users/{id}`; `$default` declares none), stage, API id and
 * authorizer. Function URLs (same payload) are not API Gateway: no route, stage or API id, only their auth.
 */
function httpApiFacts(event: JsonObject, context: JsonObject): PlatformFacts {
  const facts: PlatformFacts = {};
  const functionUrl = (str(context.domainName) ?? '').includes('.lambda-url.');
  if (!functionUrl) {
    const routeKey = str(event.routeKey) ?? str(context.routeKey) ?? '';
    const space = routeKey.indexOf(' ');
    const route = space > 0 ? routeKey.slice(space + 1) : '';
    if (route.startsWith('/')) facts.declaredRoute = route;
    const stage = str(context.stage);
    if (stage !== undefined && stage !== '') facts.apiStage = stage;
    const apiId = str(context.apiId);
    if (apiId !== undefined && apiId !== '') facts.apiId = apiId;
  }
  const auth = httpApiAuth(context);
  if (auth !== undefined) facts.platformAuth = auth;
  return facts;
}
