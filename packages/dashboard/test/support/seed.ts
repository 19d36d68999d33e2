import { encodeBatch, type TrafficRecord } from '@tapline/contracts';
import { trafficRecord } from '@tapline/testkit';

export const HOUR = 3600;
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** A mirrored exchange with sensible defaults; override what the test is about. */
export function record(overrides: Partial<TrafficRecord> = {}): TrafficRecord {
  return trafficRecord({
    requestHeaders: { host: 'shop.example.com', 'content-type': 'application/json' },
    time: nowSeconds(),
    ...overrides,
  });
}

/** Posts records to `/api/ingestData` in the Akto wire form, in batches. */
export async function ingest(
  baseUrl: string,
  records: readonly TrafficRecord[],
  batchSize = 500,
): Promise<void> {
  for (let i = 0; i < records.length; i += batchSize) {
    const body = encodeBatch(records.slice(i, i + batchSize));
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${baseUrl}/api/ingestData`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      // 503 means the engine is behind: back off and retry, as the extension does.
      if (response.status === 503 && attempt < 100) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      if (!response.ok) throw new Error(`ingestData answered ${response.status}: ${await response.text()}`);
      break;
    }
  }
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** Polls `probe` until it returns a value (the inventory engine works asynchronously). */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface CollectionDto {
  id: string;
  name: string;
  host: string | null;
  tags: Record<string, string>;
  endpoints: number;
}
export interface EndpointDto {
  id: string;
  method: string;
  path: string;
  sensitive: string[];
  authTypes: string[];
}

/** Waits until the collection named `name` lists at least `endpoints` endpoints. */
export async function waitForCollection(
  baseUrl: string,
  name: string,
  endpoints: number,
  timeoutMs = 20_000,
): Promise<CollectionDto> {
  return waitFor(
    `collection ${name} with ${endpoints} endpoints`,
    async () => {
      const { collections } = await getJson<{ collections: CollectionDto[] }>(
        `${baseUrl}/api/collections?${new URLSearchParams({ search: name, pageSize: '500' })}`,
      );
      const found = collections.find((c) => c.name === name);
      return found !== undefined && found.endpoints >= endpoints ? found : undefined;
    },
    timeoutMs,
  );
}

export async function listAllEndpoints(baseUrl: string, collectionId: string): Promise<EndpointDto[]> {
  const { endpoints } = await getJson<{ endpoints: EndpointDto[] }>(
    `${baseUrl}/api/collections/${encodeURIComponent(collectionId)}/endpoints?pageSize=500`,
  );
  return endpoints;
}
