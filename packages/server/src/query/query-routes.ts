import {
  COLLECTION_SORT_KEYS,
  type CollectionResponse,
  type CollectionSortKey,
  type CollectionsResponse,
  ENDPOINT_SORT_KEYS,
  type EndpointDetailResponse,
  type EndpointSortKey,
  type EndpointsResponse,
  SORT_ORDERS,
  type SortOrder,
} from '@tapline/contracts';
import {
  AUTH_TYPES,
  type AuthType,
  buildOpenApiDocument,
  SENSITIVE_CLASSES,
  type SensitiveClass,
} from '@tapline/inventory';
import type { FastifyInstance } from 'fastify';
import { ServerErrorCode } from '../errors.js';
import { HttpError } from '../http-error.js';
import {
  collectionDto,
  endpointDto,
  hourlyDto,
  hourlyPerformanceDto,
  parameterDto,
  sampleDto,
} from './dto.js';
import type { CollectionFilter, EndpointFilter, InventoryQueries } from './inventory-queries.js';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;

/** A query string as Fastify parses it: a name given more than once is an array. */
type Query = Record<string, string | string[] | undefined>;

function badRequest(message: string): never {
  throw new HttpError(400, ServerErrorCode.BadRequest, message);
}

/** The value of a parameter that takes one value; given twice, a 400 rather than a guess. */
function single(query: Query, name: string): string | undefined {
  const raw = query[name];
  if (Array.isArray(raw)) badRequest(`${name}: expected one value, got ${raw.length}`);
  return raw;
}

function text(query: Query, name: string): string | undefined {
  const raw = single(query, name);
  return raw === '' ? undefined : raw;
}

function positiveInt(query: Query, name: string, fallback: number, max: number): number {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    badRequest(`${name}: expected an integer from 1 to ${max}, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

function oneOf<T extends string>(query: Query, name: string, allowed: readonly T[]): T | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return undefined;
  const upper = raw.toUpperCase();
  if (!(allowed as readonly string[]).includes(upper))
    badRequest(`${name}: expected one of ${allowed.join(', ')}`);
  return upper as T;
}

/** A value of a fixed list, exactly as listed (sort keys are camelCase). */
function exactlyOneOf<T extends string>(query: Query, name: string, allowed: readonly T[]): T | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return undefined;
  if (!(allowed as readonly string[]).includes(raw))
    badRequest(`${name}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw as T;
}

/** Full ISO 8601 date-times (`2026-11-24T10:15:02Z`, with fraction or offset) or plain dates. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Date.parse rolls 2026-02-31 over to March 3rd; a day the month does not have is refused instead. */
function isCalendarDate(iso: string): boolean {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
}

function instant(query: Query, name: string): number | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return undefined;
  const ms = ISO_8601.test(raw) && isCalendarDate(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) {
    badRequest(
      `${name}: expected an ISO 8601 date-time such as 2026-11-24T10:00:00Z, got ${JSON.stringify(raw)}`,
    );
  }
  return ms;
}

function notFound(what: string, id: string): never {
  throw new HttpError(404, ServerErrorCode.NotFound, `no ${what} with id ${JSON.stringify(id)}`);
}

/** What both listings take alike: the page (1-based), its size and a search text. */
function pageAndSearch(query: Query): { page: number; pageSize: number; search?: string } {
  const paged = {
    page: positiveInt(query, 'page', 1, 1_000_000),
    pageSize: positiveInt(query, 'pageSize', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
  };
  const search = text(query, 'search');
  return search === undefined ? paged : { ...paged, search };
}

/**
 * `page`, `pageSize`, `search`, `sort`, `order` and `tag=<key>:<value>`, repeatable (all must match):
 * `tag=stage:prod&tag=apiId:abc123`.
 */
export function parseCollectionFilter(query: Query): CollectionFilter {
  const filter: CollectionFilter = pageAndSearch(query);
  const sort = exactlyOneOf<CollectionSortKey>(query, 'sort', COLLECTION_SORT_KEYS);
  if (sort !== undefined) filter.sort = sort;
  const order = exactlyOneOf<SortOrder>(query, 'order', SORT_ORDERS);
  if (order !== undefined) filter.order = order;
  const raw = query.tag;
  if (raw === undefined) return filter;
  const tags = [];
  for (const text of Array.isArray(raw) ? raw : [raw]) {
    const colon = text.indexOf(':');
    if (colon < 1 || colon === text.length - 1) {
      badRequest(`tag: expected <key>:<value> such as stage:prod, got ${JSON.stringify(text)}`);
    }
    tags.push({ key: text.slice(0, colon), value: text.slice(colon + 1) });
  }
  return { ...filter, tags };
}

export function parseEndpointFilter(query: Query): EndpointFilter {
  const filter: EndpointFilter = pageAndSearch(query);
  const method = text(query, 'method');
  if (method !== undefined) filter.method = method;
  const sensitive = oneOf<SensitiveClass | 'ANY'>(query, 'sensitive', [...SENSITIVE_CLASSES, 'ANY']);
  if (sensitive !== undefined) filter.sensitive = sensitive;
  const auth = oneOf<AuthType>(query, 'auth', AUTH_TYPES);
  if (auth !== undefined) filter.auth = auth;
  const firstSeenAfter = instant(query, 'firstSeenAfter');
  if (firstSeenAfter !== undefined) filter.firstSeenAfter = firstSeenAfter;
  const sort = exactlyOneOf<EndpointSortKey>(query, 'sort', ENDPOINT_SORT_KEYS);
  if (sort !== undefined) filter.sort = sort;
  const order = exactlyOneOf<SortOrder>(query, 'order', SORT_ORDERS);
  if (order !== undefined) filter.order = order;
  return filter;
}

/** The JSON query API the dashboard and other tools read. */
export async function queryRoutes(
  app: FastifyInstance,
  options: { queries: InventoryQueries },
): Promise<void> {
  const { queries } = options;

  app.get<{ Querystring: Query }>('/api/collections', async (request): Promise<CollectionsResponse> => {
    const { collections, total } = await queries.listCollections(parseCollectionFilter(request.query));
    return { collections: collections.map(collectionDto), total };
  });

  app.get<{ Params: { id: string } }>(
    '/api/collections/:id',
    async (request): Promise<CollectionResponse> => {
      const collection = await queries.getCollection(request.params.id);
      if (collection === undefined) notFound('collection', request.params.id);
      return { collection: collectionDto(collection) };
    },
  );

  app.get<{ Params: { id: string }; Querystring: Query }>(
    '/api/collections/:id/endpoints',
    async (request): Promise<EndpointsResponse> => {
      const result = await queries.listEndpoints(request.params.id, parseEndpointFilter(request.query));
      if (result === undefined) notFound('collection', request.params.id);
      return { endpoints: result.endpoints.map(endpointDto), total: result.total };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/endpoints/:id',
    async (request): Promise<EndpointDetailResponse> => {
      const detail = await queries.getEndpoint(request.params.id);
      if (detail === undefined) notFound('endpoint', request.params.id);
      return {
        endpoint: endpointDto(detail.endpoint),
        parameters: detail.parameters.map(parameterDto),
        samples: detail.samples.map(sampleDto),
        hourly: detail.hourly.map(hourlyDto),
        hourlyPerformance: detail.hourlyPerformance.map(hourlyPerformanceDto),
      };
    },
  );

  app.get<{ Params: { id: string } }>('/api/collections/:id/openapi.json', async (request) => {
    const source = await queries.collectionForOpenApi(request.params.id);
    if (source === undefined) notFound('collection', request.params.id);
    const serverUrl = source.collection.host === null ? undefined : `https://${source.collection.host}`;
    return buildOpenApiDocument({ ...source, ...(serverUrl === undefined ? {} : { serverUrl }) });
  });
}
