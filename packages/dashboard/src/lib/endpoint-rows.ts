import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { type EndpointQuery, listEndpoints } from '../api/client.js';
import type { Endpoint } from '../api/types.js';
import { SEVEN_DAYS_MS } from './format.js';

export const ENDPOINT_TABS = ['all', 'sensitive', 'new', 'noauth'] as const;
export type EndpointTab = (typeof ENDPOINT_TABS)[number];

/** Rows of the endpoint list, loaded lazily: only what the virtual list shows is fetched. */
export interface EndpointRows {
  /** Undefined until the first answer. */
  readonly total: number | undefined;
  readonly error: Error | undefined;
  rowAt(index: number): Endpoint | undefined;
  /** The visible index range changed; fetch what is missing. */
  show(start: number, end: number): void;
}

interface RowSource extends EndpointRows {
  subscribe(listener: () => void): () => void;
  version(): number;
  start(): void;
  refresh(): void;
  stop(): void;
}

/** Rows fetched page by page from the server as they scroll into view. */
const PAGE_SIZE = 100;

abstract class BaseSource {
  total: number | undefined;
  error: Error | undefined;
  protected controller = new AbortController();
  protected generation = 0;
  private listeners = new Set<() => void>();
  private changes = 0;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  version = (): number => this.changes;

  protected notify(): void {
    this.changes++;
    for (const listener of this.listeners) listener();
  }

  protected fail(error: unknown): void {
    if (this.controller.signal.aborted) return;
    this.error = error instanceof Error ? error : new Error(String(error));
    this.notify();
  }

  start(): void {
    this.controller = new AbortController();
    this.refresh();
  }

  stop(): void {
    this.controller.abort();
    this.generation++;
  }

  abstract refresh(): void;
}

class ServerPagedSource extends BaseSource implements RowSource {
  private pages = new Map<number, Endpoint[]>();
  private inFlight = new Set<number>();
  private visible: [number, number] = [0, 0];

  constructor(
    private readonly collectionId: string,
    private readonly query: EndpointQuery,
  ) {
    super();
  }

  rowAt(index: number): Endpoint | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  show(start: number, end: number): void {
    this.visible = [start, end];
    for (let page = Math.floor(start / PAGE_SIZE); page <= Math.floor(end / PAGE_SIZE); page++) {
      if (!this.pages.has(page) && !this.inFlight.has(page)) void this.load(page);
    }
  }

  private async load(page: number): Promise<void> {
    const generation = this.generation;
    this.inFlight.add(page);
    try {
      const result = await listEndpoints(
        this.collectionId,
        this.query,
        page + 1,
        PAGE_SIZE,
        this.controller.signal,
      );
      if (generation !== this.generation) return;
      this.pages.set(page, result.endpoints);
      this.total = result.total;
      this.error = undefined;
      this.notify();
    } catch (error) {
      if (generation === this.generation) this.fail(error);
    } finally {
      if (generation === this.generation) this.inFlight.delete(page);
    }
  }

  /** Re-reads the visible pages (new endpoints, new counts); pages off screen are dropped and re-read on demand. */
  refresh(): void {
    const generation = ++this.generation;
    const [start, end] = this.visible;
    const wanted: number[] = [];
    for (let page = Math.floor(start / PAGE_SIZE); page <= Math.floor(end / PAGE_SIZE); page++)
      wanted.push(page);
    const signal = this.controller.signal;
    this.inFlight = new Set(wanted);
    Promise.all(
      wanted.map((page) => listEndpoints(this.collectionId, this.query, page + 1, PAGE_SIZE, signal)),
    ).then(
      (results) => {
        if (generation !== this.generation) return;
        this.pages = new Map(results.map((result, i) => [wanted[i] as number, result.endpoints]));
        this.inFlight = new Set();
        this.total = results[results.length - 1]?.total ?? 0;
        this.error = undefined;
        this.notify();
        this.show(start, end);
      },
      (error: unknown) => {
        if (generation === this.generation) this.fail(error);
      },
    );
  }
}

/** Maps a tab and the filters to the query API's server-side filters: every tab is paged by the server. */
export function createRowSource(
  collectionId: string,
  query: EndpointQuery,
  tab: EndpointTab,
  now = Date.now(),
): RowSource {
  switch (tab) {
    case 'noauth':
      return new ServerPagedSource(collectionId, { ...query, auth: 'UNAUTHENTICATED' });
    case 'sensitive':
      // A chosen class already implies "sensitive"; otherwise ask for any class.
      return new ServerPagedSource(collectionId, query.sensitive ? query : { ...query, sensitive: 'ANY' });
    case 'new':
      return new ServerPagedSource(collectionId, {
        ...query,
        firstSeenAfter: new Date(now - SEVEN_DAYS_MS).toISOString(),
      });
    default:
      return new ServerPagedSource(collectionId, query);
  }
}

export function useEndpointRows(
  collectionId: string,
  query: EndpointQuery,
  tab: EndpointTab,
  pollMs: number,
): EndpointRows {
  const key = JSON.stringify([collectionId, query, tab]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` captures collectionId, query and tab.
  const source = useMemo(() => createRowSource(collectionId, query, tab), [key]);
  useEffect(() => {
    source.start();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') source.refresh();
    }, pollMs);
    return () => {
      clearInterval(timer);
      source.stop();
    };
  }, [source, pollMs]);
  useSyncExternalStore(source.subscribe, source.version);
  return source;
}
