import { redirectToLogin } from './session.js';
import type { Collection, CollectionPage, EndpointDetail, EndpointPage } from './types.js';

/** A failed API call, with the server's message when it sent one. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' }, signal: signal ?? null });
  if (response.status === 401) {
    // The session ended (or there never was one): sign in, then come back to this page.
    redirectToLogin();
    throw new ApiError('sign-in required', 401);
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as { error?: unknown };
      if (typeof body.error === 'string') message = body.error;
    } catch {
      // Not JSON: keep the status line.
    }
    throw new ApiError(message, response.status);
  }
  return (await response.json()) as T;
}

/** Server-side filters of `GET /api/collections/:id/endpoints`. */
export interface EndpointQuery {
  search?: string;
  method?: string;
  /** A sensitive class, or `ANY` for endpoints with any class. */
  sensitive?: string;
  auth?: string;
  /** ISO 8601: only endpoints first discovered after this time. */
  firstSeenAfter?: string;
  /** `path`, `calls`, `invocations`, `p50Ms`, `p95Ms`, `p99Ms`, `errorRate`, `coldStartRate`. */
  sort?: string;
  /** `asc` or `desc`; the server's default depends on the key. */
  order?: string;
}

/** Server-side filters and order of `GET /api/collections`. */
export interface CollectionQuery {
  /** Substring of the name, the host or a tag written `key=value`. */
  search?: string;
  /** A tag as the dashboard writes it, `key=value`. */
  tag?: string;
  /** A sort key of the API (`name`, `endpoints`, `sensitiveParams`, `authTypes`, `lastSeen`, …). */
  sort?: string;
  order?: string;
}

/** One page of the collections, and how many match. */
export function listCollections(
  query: CollectionQuery,
  page: number,
  pageSize: number,
  signal?: AbortSignal,
): Promise<CollectionPage> {
  const params = new URLSearchParams();
  const { tag, ...rest } = query;
  for (const [key, value] of Object.entries(rest)) if (value) params.set(key, value);
  if (tag) {
    // The API writes a tag `key:value`; the key is everything before the first `=`.
    const eq = tag.indexOf('=');
    params.set('tag', eq < 0 ? tag : `${tag.slice(0, eq)}:${tag.slice(eq + 1)}`);
  }
  params.set('page', String(page));
  params.set('pageSize', String(pageSize));
  return getJson<CollectionPage>(`/api/collections?${params}`, signal);
}

export function getCollection(id: string, signal?: AbortSignal): Promise<Collection> {
  return getJson<{ collection: Collection }>(`/api/collections/${encodeURIComponent(id)}`, signal).then(
    (r) => r.collection,
  );
}

export function listEndpoints(
  collectionId: string,
  query: EndpointQuery,
  page: number,
  pageSize: number,
  signal?: AbortSignal,
): Promise<EndpointPage> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  params.set('page', String(page));
  params.set('pageSize', String(pageSize));
  return getJson<EndpointPage>(
    `/api/collections/${encodeURIComponent(collectionId)}/endpoints?${params}`,
    signal,
  );
}

export function getEndpoint(id: string, signal?: AbortSignal): Promise<EndpointDetail> {
  return getJson<EndpointDetail>(`/api/endpoints/${encodeURIComponent(id)}`, signal);
}

/** Built from the id only: captured text never reaches an href. */
export function openApiUrl(collectionId: string): string {
  return `/api/collections/${encodeURIComponent(collectionId)}/openapi.json`;
}

export function collectionUrl(collectionId: string): string {
  return `/collections/${encodeURIComponent(collectionId)}`;
}

export function endpointUrl(endpointId: string): string {
  return `/endpoints/${encodeURIComponent(endpointId)}`;
}
