import { restApiAuth } from './platform-auth.js';
import {
  decodeBody,
  firstForwardedIp,
  headerValue,
  isObject,
  type JsonObject,
  mergeHeaders,
  type PlatformFacts,
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
    platform: restApiFacts(event, context),
  };
}

/** The declared route (`resource`, without the stage), stage, API id and the authorizer's verdict. */
function restApiFacts(event: JsonObject, context: JsonObject): PlatformFacts {
  const facts: PlatformFacts = {};
  const resource = str(event.resource) ?? str(context.resourcePath);
  if (resource?.startsWith('/')) facts.declaredRoute = resource;
  const stage = str(context.stage);
  if (stage !== undefined && stage !== '') facts.apiStage = stage;
  const apiId = str(context.apiId);
  if (apiId !== undefined && apiId !== '') facts.apiId = apiId;
  const auth = restApiAuth(context);
  if (auth !== undefined) facts.platformAuth = auth;
  return facts;
}
