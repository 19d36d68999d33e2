// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright's Locator.innerText(), the text a user sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { type Harness, startHarness } from './support/harness.js';
import { distinctPaths, manyEndpointsTraffic } from './support/many-endpoints.js';
import { type CollectionDto, ingest, waitForCollection } from './support/seed.js';

const HOST = 'many.example.com';
const COUNT = 1500;

describe('endpoint list of a large collection', () => {
  let h: Harness;
  let collection: CollectionDto;

  beforeAll(async () => {
    h = await startHarness();
    await ingest(h.url, manyEndpointsTraffic(HOST, COUNT), 500);
    collection = await waitForCollection(h.url, HOST, COUNT);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('keeps only the visible rows in the DOM and fetches pages as it scrolls', async () => {
    expect(collection.endpoints).toBe(COUNT);
    const page = await h.newPage();
    const pageRequests: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.endsWith('/endpoints')) pageRequests.push(url.searchParams.get('page') ?? '');
    });
    await page.goto(`${h.url}/collections/${collection.id}`);
    await page.getByTestId('endpoint-row').first().waitFor();
    expect(await page.getByTestId('endpoint-count').innerText()).toBe('1,500 endpoints');
    const rendered = await page.locator('.ep-tbody tr').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(80);

    // The server orders by path, then method; the last row is the alphabetically last path.
    const sorted = distinctPaths(COUNT)
      .map((e) => e.path)
      .sort();
    const lastPath = sorted[sorted.length - 1] as string;
    await page.getByTestId('endpoint-scroll').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await eventually(() => page.locator('.ep-path').allInnerTexts()).toContain(lastPath);
    expect(await page.locator('.ep-tbody tr').count()).toBeLessThan(80);
    // Page 1 at load, then only the last page(s), never all 15 pages.
    expect(new Set(pageRequests).size).toBeLessThanOrEqual(4);
    expect(pageRequests).toContain('15');
  });
});
