// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright's Locator.innerText(), the text a user sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { type Harness, startHarness } from './support/harness.js';
import { getJson, ingest, record, waitFor } from './support/seed.js';

const COUNT = 120;
/** c000.pages.test … c119.pages.test, one endpoint each; every tenth tagged tier=gold. */
const hostOf = (i: number) => `c${String(i).padStart(3, '0')}.pages.test`;

describe('collections page with more collections than one page', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    await ingest(
      h.url,
      Array.from({ length: COUNT }, (_, i) =>
        record({
          path: '/v1/ping',
          requestHeaders: { host: hostOf(i) },
          tag: i % 10 === 0 ? { service: 'lambda', tier: 'gold' } : { service: 'lambda' },
        }),
      ),
    );
    await waitFor('all collections', async () => {
      const { total } = await getJson<{ total: number }>(`${h.url}/api/collections?pageSize=1`);
      return total === COUNT ? total : undefined;
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('shows one page with the total, pages through them, and asks the server only for that page', async () => {
    const page = await h.newPage();
    const asked: URLSearchParams[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/api/collections') asked.push(url.searchParams);
    });
    await page.goto(`${h.url}/?sort=name`);
    const rows = page.getByTestId('collection-row');
    const names = () => rows.locator('.collection-name').allInnerTexts();
    const count = page.getByTestId('collection-count');
    await eventually(() => rows.count()).toBe(50);
    expect((await names())[0]).toBe(hostOf(0));
    expect(await count.innerText()).toBe('1–50 of 120 collections');
    expect(await page.getByTestId('collection-page').innerText()).toBe('Page 1 of 3');
    expect(await page.getByTestId('collection-page-prev').isDisabled()).toBe(true);
    expect(asked[0]?.get('pageSize')).toBe('50');
    expect(asked[0]?.get('sort')).toBe('name');

    await page.getByTestId('collection-page-next').click();
    await eventually(async () => (await names())[0]).toBe(hostOf(50));
    expect(new URL(page.url()).searchParams.get('page')).toBe('2');
    await page.getByTestId('collection-page-next').click();
    await eventually(() => rows.count()).toBe(20);
    expect((await names()).at(-1)).toBe(hostOf(119));
    expect(await count.innerText()).toBe('101–120 of 120 collections');
    expect(await page.getByTestId('collection-page-next').isDisabled()).toBe(true);

    // The page survives a reload, and polling asks for that page only.
    await page.reload();
    await eventually(() => rows.count()).toBe(20);
    asked.length = 0;
    await eventually(() => asked.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    expect(asked.every((q) => q.get('page') === '3' && q.get('pageSize') === '50')).toBe(true);

    // A search goes to the server and starts from the first page.
    await page.getByRole('searchbox').fill('C11');
    await eventually(() => rows.count()).toBe(10);
    expect(new URL(page.url()).searchParams.get('page')).toBeNull();
    expect(await count.innerText()).toBe('1–10 of 10 matching collections');
    expect(await page.getByTestId('collection-pager').count()).toBe(0);
    expect(asked.at(-1)?.get('search')).toBe('C11');
    // The rows stayed up while the server answered: the search box was never replaced, so it keeps focus.
    expect(await page.getByRole('searchbox').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(
      true,
    );

    // A tag chip filters on the server too; sorting by name descending puts c110 first.
    await page.goto(`${h.url}/?tag=tier%3Dgold&sort=name&dir=desc`);
    await eventually(() => rows.count()).toBe(12);
    expect((await names())[0]).toBe(hostOf(110));
    expect(asked.at(-1)?.get('tag')).toBe('tier:gold');

    // A collection beyond the first page still shows its name and counts on its own page.
    await rows
      .filter({ hasText: hostOf(110) })
      .locator('.collection-name')
      .click();
    await eventually(() => page.getByTestId('collection-name').innerText()).toContain(hostOf(110));
  });
});
