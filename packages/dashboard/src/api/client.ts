import { redirectToLogin } from './session.js';
import type { Collection, EndpointDetail, EndpointPage } from './types.js';

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

export function listCollections(signal?: AbortSignal): Promise<Collection[]> {
  return getJson<{ collections: Collection[] }>('/api/collections', signal).then((r) => r.collections);
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
