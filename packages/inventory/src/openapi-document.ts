import { reasonPhrase } from '@tapline/contracts';
import { routeParameterName } from './declared-route.js';
import type {
  AuthType,
  CollectionRow,
  DataType,
  EndpointRow,
  ParameterRow,
  SampleRow,
} from './inventory-types.js';
import { isPathToken, pathParameterName } from './template-path.js';

type Json = Record<string, unknown>;

export interface OpenApiInput {
  collection: CollectionRow;
  endpoints: EndpointRow[];
  parameters: ParameterRow[];
  samples: SampleRow[];
  serverUrl?: string;
}

/** Request headers OpenAPI describes elsewhere (content negotiation, security) or that cookie params cover. */
const SKIPPED_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'content-type',
  'authorization',
  'cookie',
]);
const SKIPPED_RESPONSE_HEADERS: ReadonlySet<string> = new Set(['content-type']);

/**
 * An OpenAPI 3.1 document for one collection, inferred from traffic: templated segments become path
 * parameters named like the parameter rows (`/users/{INTEGER2}`), flattened body parameters are rebuilt
 * into nested JSON schemas, and masked samples provide examples.
 */
export function buildOpenApiDocument(input: OpenApiInput): Json {
  const { collection } = input;
  const paramsByEndpoint = groupBy(input.parameters, (p) => p.endpointId);
  const samplesByEndpoint = groupBy(input.samples, (s) => s.endpointId);
  const schemes: Record<string, Json> = {};
  const operationIds = new Set<string>();
  const paths: Record<string, Record<string, Json>> = {};
  const endpoints = [...input.endpoints].sort((a, b) =>
    a.path === b.path ? a.method.localeCompare(b.method) : a.path < b.path ? -1 : 1,
  );
  for (const ep of endpoints) {
    const method = ep.method.toLowerCase();
    if (!HTTP_METHODS.has(method)) continue;
    const { path, pathParams } = openApiPath(ep);
    let item = paths[path];
    if (item === undefined) {
      item = {};
      paths[path] = item;
    }
    if (item[method] !== undefined) continue;
    const params = paramsByEndpoint.get(ep.id) ?? [];
    const samples = (samplesByEndpoint.get(ep.id) ?? []).slice().sort((a, b) => b.seq - a.seq);
    item[method] = operationFor(ep, path, pathParams, params, samples, schemes, operationIds);
  }
  const doc: Json = {
    openapi: '3.1.0',
    info: {
      title: collection.name,
      version: '1.0.0',
      description: `Inferred by Tapline from traffic seen between ${isoTime(collection.firstSeen)} and ${isoTime(collection.lastSeen)}.`,
    },
    servers: [{ url: input.serverUrl ?? (collection.host ? `https://${collection.host}` : '/') }],
    paths,
  };
  if (Object.keys(collection.tags).length > 0) doc['x-tapline-tags'] = { ...collection.tags };
  if (Object.keys(schemes).length > 0) doc.components = { securitySchemes: schemes };
  return doc;
}

const HTTP_METHODS: ReadonlySet<string> = new Set([
  'get',
  'put',
  'post',
  'delete',
  'options',
  'head',
  'patch',
  'trace',
]);

function isoTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return Number.isNaN(d.getTime()) ? String(epochSeconds) : d.toISOString();
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/**
 * `/users/INTEGER` → `/users/{INTEGER2}`; a declared route keeps its names (`/users/{id}`); braces in
 * other static segments are percent-encoded.
 */
export function openApiPath(ep: Pick<EndpointRow, 'path' | 'graphql'>): {
  path: string;
  pathParams: string[];
} {
  if (ep.path === '/' || ep.path.length === 0) return { path: '/', pathParams: [] };
  const pathParams: string[] = [];
  const segments = ep.path
    .slice(1)
    .split('/')
    .map((seg, i) => {
      if (!ep.graphql && isPathToken(seg)) {
        const name = pathParameterName(seg, i);
        pathParams.push(name);
        return `{${name}}`;
      }
      // A declared route's own parameter (`{id}`); a greedy `{proxy+}` is `{proxy}` in OpenAPI.
      const declared = ep.graphql ? null : routeParameterName(seg);
      if (declared !== null) {
        pathParams.push(declared.name);
        return `{${declared.name}}`;
      }
      return seg.replace(/\{/g, '%7B').replace(/\}/g, '%7D');
    });
  return { path: `/${segments.join('/')}`, pathParams };
}

function operationIdFor(method: string, path: string, taken: Set<string>): string {
  const base =
    `${method}_${path
      .replace(/[{}]/g, '')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')}` || method;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  taken.add(id);
  return id;
}

function operationFor(
  ep: EndpointRow,
  path: string,
  pathParams: string[],
  params: ParameterRow[],
  samples: SampleRow[],
  schemes: Record<string, Json>,
  operationIds: Set<string>,
): Json {
  const method = ep.method.toLowerCase();
  const op: Json = {
    operationId: operationIdFor(method, path, operationIds),
    summary: `${ep.method} ${ep.path}`,
  };
  const parameters: Json[] = [];
  const request = params.filter((p) => p.location === 'request');
  for (const name of pathParams) {
    const row = request.find((p) => p.in === 'path' && p.name === name);
    const tokenType = name.replace(/\d+$/, '');
    parameters.push(
      withExample(
        {
          name,
          in: 'path',
          required: true,
          schema: row ? schemaForTypes(row.types) : schemaForToken(tokenType),
        },
        row,
      ),
    );
  }
  for (const where of ['query', 'header', 'cookie'] as const) {
    for (const p of request.filter((r) => r.in === where).sort(byName)) {
      if (where === 'header' && SKIPPED_REQUEST_HEADERS.has(p.name)) continue;
      const param: Json = {
        name: p.name,
        in: where,
        required: p.count >= ep.calls && ep.calls > 0,
        schema: schemaForTypes(p.types),
      };
      parameters.push(withExample(param, p));
    }
  }
  if (parameters.length > 0) op.parameters = parameters;

  const bodyParams = request.filter((p) => p.in === 'body');
  const requestSample = samples.find((s) => s.request.body.length > 0);
  if (bodyParams.length > 0 || requestSample !== undefined) {
    const contentType = mediaType(requestSample?.request.headers['content-type']);
    const schema = ep.graphql ? graphqlRequestSchema(bodyParams) : bodySchema(bodyParams);
    const media: Json = { schema };
    const example = requestSample ? exampleOf(requestSample.request.body, contentType) : undefined;
    if (example !== undefined) media.example = example;
    op.requestBody = { required: true, content: { [contentType]: media } };
  }

  const responses: Record<string, Json> = {};
  const statuses = new Set<number>(ep.statusCodes);
  for (const p of params) if (p.location === 'response' && p.status !== null) statuses.add(p.status);
  for (const status of [...statuses].sort((a, b) => a - b)) {
    if (!Number.isInteger(status) || status < 100 || status > 599) continue;
    const forStatus = params.filter((p) => p.location === 'response' && p.status === status);
    const response: Json = { description: reasonPhrase(status) || `Status ${status}` };
    const headers: Record<string, Json> = {};
    for (const h of forStatus.filter((p) => p.in === 'header').sort(byName)) {
      if (SKIPPED_RESPONSE_HEADERS.has(h.name)) continue;
      headers[h.name] = { schema: schemaForTypes(h.types) };
    }
    if (Object.keys(headers).length > 0) response.headers = headers;
    const body = forStatus.filter((p) => p.in === 'body');
    const sample = samples.find((s) => s.response.statusCode === status && s.response.body.length > 0);
    if (body.length > 0 || sample !== undefined) {
      const contentType = mediaType(sample?.response.headers['content-type']);
      const media: Json = { schema: bodySchema(body) };
      const example = sample ? exampleOf(sample.response.body, contentType) : undefined;
      if (example !== undefined) media.example = example;
      response.content = { [contentType]: media };
    }
    responses[String(status)] = response;
  }
  op.responses = Object.keys(responses).length > 0 ? responses : { default: { description: 'Not seen yet' } };

  const security = securityFor(ep.authTypes, request, schemes);
  if (security.length > 0) op.security = security;
  op['x-tapline'] = {
    endpointId: ep.id,
    calls: ep.calls,
    firstSeen: ep.firstSeen,
    lastSeen: ep.lastSeen,
    authTypes: ep.authTypes,
    sensitive: ep.sensitive,
    ...(ep.graphql ? { graphql: ep.graphql } : {}),
  };
  return op;
}

function byName(a: ParameterRow, b: ParameterRow): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function withExample(param: Json, row: ParameterRow | undefined): Json {
  const example = row?.examples[0];
  if (example !== undefined) param.example = example;
  if (row && row.sensitive.length > 0) param['x-tapline-sensitive'] = row.sensitive;
  return param;
}

function mediaType(contentType: string | undefined): string {
  const base = contentType?.split(';')[0]?.trim().toLowerCase();
  return base && /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(base) ? base : 'application/json';
}

function exampleOf(body: string, contentType: string): unknown {
  if (contentType.includes('json') || /^\s*[[{]/.test(body)) {
    try {
      return JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  return body.length <= 4096 ? body : undefined;
}

/** JSON Schema for a value seen with these data types (3.1: a `type` array for unions). */
export function schemaForTypes(types: readonly DataType[]): Json {
  const jsonTypes = new Set<string>();
  const formats = new Set<string | undefined>();
  for (const t of types) {
    const [jsonType, format] = JSON_TYPE[t];
    jsonTypes.add(jsonType);
    formats.add(format);
  }
  if (jsonTypes.size === 0) return {};
  const list = [...jsonTypes].sort();
  const schema: Json = { type: list.length === 1 ? list[0] : list };
  if (list.length === 1 && formats.size === 1) {
    const [format] = formats;
    if (format !== undefined) schema.format = format;
  }
  return schema;
}

function schemaForToken(token: string): Json {
  switch (token) {
    case 'INTEGER':
      return { type: 'integer' };
    case 'FLOAT':
      return { type: 'number' };
    case 'UUID':
      return { type: 'string', format: 'uuid' };
    default:
      return { type: 'string' };
  }
}

const JSON_TYPE: Record<DataType, [string, string | undefined]> = {
  NULL: ['null', undefined],
  TRUE: ['boolean', undefined],
  FALSE: ['boolean', undefined],
  INTEGER_32: ['integer', 'int32'],
  INTEGER_64: ['integer', 'int64'],
  FLOAT: ['number', undefined],
  STRING: ['string', undefined],
  EMAIL: ['string', 'email'],
  URL: ['string', 'uri'],
  SSN: ['string', undefined],
  UUID: ['string', 'uuid'],
  JWT: ['string', undefined],
  CREDIT_CARD: ['string', undefined],
  PHONE_NUMBER: ['string', undefined],
  IP_ADDRESS: ['string', undefined],
  VIN: ['string', undefined],
  OBJECT_ID: ['string', undefined],
  DATE_TIME: ['string', 'date-time'],
  GENERIC: ['string', undefined],
  OBJECT: ['object', undefined],
  ARRAY: ['array', undefined],
};

interface SchemaNode {
  types: DataType[];
  props: Map<string, SchemaNode>;
  items: SchemaNode | null;
}

function node(): SchemaNode {
  return { types: [], props: new Map(), items: null };
}

/** Rebuilds nesting from flattened names: `a#b#$#c` → `{a: {b: [{c}]}}`. */
export function bodySchema(params: readonly Pick<ParameterRow, 'name' | 'types'>[]): Json {
  const root = node();
  for (const p of params) {
    let cur = root;
    for (const seg of p.name.split('#')) {
      if (seg === '$') cur = cur.items ??= node();
      else {
        let next = cur.props.get(seg);
        if (next === undefined) {
          next = node();
          cur.props.set(seg, next);
        }
        cur = next;
      }
    }
    for (const t of p.types) if (!cur.types.includes(t)) cur.types.push(t);
  }
  return schemaOfNode(root);
}

function schemaOfNode(n: SchemaNode): Json {
  const variants: Json[] = [];
  if (n.props.size > 0) {
    const properties: Record<string, Json> = {};
    for (const [k, child] of n.props) properties[k] = schemaOfNode(child);
    variants.push({ type: 'object', properties });
  }
  if (n.items !== null) variants.push({ type: 'array', items: schemaOfNode(n.items) });
  const leafTypes = n.types.filter(
    (t) => !((t === 'OBJECT' && n.props.size > 0) || (t === 'ARRAY' && n.items !== null)),
  );
  if (leafTypes.length > 0) variants.push(schemaForTypes(leafTypes));
  if (variants.length === 0) return { type: 'object' };
  if (variants.length === 1) return variants[0] as Json;
  return { anyOf: variants };
}

/** A GraphQL request body: the document is a string; variables and arguments get their inferred schema. */
function graphqlRequestSchema(params: readonly ParameterRow[]): Json {
  const properties: Record<string, Json> = { query: { type: 'string' } };
  const variables = params
    .filter((p) => p.name.startsWith('variables#'))
    .map((p) => ({ name: p.name.slice('variables#'.length), types: p.types }));
  if (params.some((p) => p.name === 'operationName')) properties.operationName = { type: 'string' };
  if (variables.length > 0) properties.variables = bodySchema(variables);
  const selection = params
    .filter((p) => p.name.startsWith('query#'))
    .map((p) => p.name.slice('query#'.length));
  const schema: Json = { type: 'object', properties };
  if (selection.length > 0) schema['x-graphql-selection'] = selection.map((s) => s.replace(/#/g, '.'));
  return schema;
}

function securityFor(
  authTypes: readonly AuthType[],
  request: readonly ParameterRow[],
  schemes: Record<string, Json>,
): Json[] {
  const out: Json[] = [];
  const jwt = authTypes.includes('JWT');
  for (const t of authTypes) {
    switch (t) {
      case 'BEARER':
        schemes.bearerAuth = jwt
          ? { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }
          : { type: 'http', scheme: 'bearer' };
        out.push({ bearerAuth: [] });
        break;
      case 'BASIC':
        schemes.basicAuth = { type: 'http', scheme: 'basic' };
        out.push({ basicAuth: [] });
        break;
      case 'AUTHORIZATION_HEADER':
        schemes.authorizationHeader = { type: 'apiKey', in: 'header', name: 'Authorization' };
        out.push({ authorizationHeader: [] });
        break;
      case 'API_KEY': {
        const header = request.find((p) => p.in === 'header' && /api[-_]?key|passkey/i.test(p.name));
        const name = header?.name ?? 'x-api-key';
        const key = `apiKey_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
        schemes[key] = { type: 'apiKey', in: 'header', name };
        out.push({ [key]: [] });
        break;
      }
      case 'SESSION_TOKEN': {
        const cookie = request.find((p) => p.in === 'cookie' && /sess|sid/i.test(p.name));
        if (cookie) {
          const key = `session_${cookie.name.replace(/[^A-Za-z0-9_]/g, '_')}`;
          schemes[key] = { type: 'apiKey', in: 'cookie', name: cookie.name };
          out.push({ [key]: [] });
        }
        break;
      }
      case 'MTLS':
        schemes.mutualTLS = { type: 'mutualTLS' };
        out.push({ mutualTLS: [] });
        break;
      case 'IAM':
        schemes.awsSigv4 = {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        };
        out.push({ awsSigv4: [] });
        break;
      // The inventory keeps no issuer, so no openIdConnectUrl can be named: a JWT bearer scheme it is.
      case 'COGNITO':
        schemes.cognito = {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          'x-amazon-apigateway-authtype': 'cognito_user_pools',
        };
        out.push({ cognito: [] });
        break;
      case 'OIDC':
        schemes.oidc = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' };
        out.push({ oidc: [] });
        break;
      case 'LAMBDA_AUTHORIZER':
        schemes.lambdaAuthorizer = {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          'x-amazon-apigateway-authtype': 'custom',
        };
        out.push({ lambdaAuthorizer: [] });
        break;
      case 'UNAUTHENTICATED':
        out.push({});
        break;
      default:
        break;
    }
  }
  return out;
}
