// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright's Locator.innerText(), the text a user sees.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { type Harness, startHarness } from './support/harness.js';
import { APPSYNC_HOST, demoTraffic, REST_HOST } from './support/scenario.js';
import {
  type CollectionDto,
  type EndpointDto,
  getJson,
  ingest,
  listAllEndpoints,
  record,
  waitForCollection,
} from './support/seed.js';

interface FullEndpoint extends EndpointDto {
  firstSeen: string;
}

const texts = (page: Page, testId: string) => page.getByTestId(testId).allInnerTexts();

describe('dashboard in Chromium against the real server', () => {
  let h: Harness;
  let rest: CollectionDto;
  let appsync: CollectionDto;
  let restEndpoints: FullEndpoint[];

  beforeAll(async () => {
    h = await startHarness();
    await ingest(h.url, demoTraffic());
    rest = await waitForCollection(h.url, REST_HOST, 6);
    appsync = await waitForCollection(h.url, APPSYNC_HOST, 3);
    await h.server.waitForInventory();
    restEndpoints = (await listAllEndpoints(h.url, rest.id)) as FullEndpoint[];
  });

  afterAll(async () => {
    await h?.close();
  });

  it('lists the collections with their tags as chips; a chip filters, headers sort, search narrows', async () => {
    const page = await h.newPage();
    await page.goto(`${h.url}/`);
    const rows = page.getByTestId('collection-row');
    await eventually(() => rows.count()).toBe(2);
    const restRow = rows.filter({ hasText: REST_HOST });
    const appsyncRow = rows.filter({ hasText: APPSYNC_HOST });
    expect(await restRow.getByTestId('tag-chip').allInnerTexts()).toEqual(
      expect.arrayContaining(['service=lambda', 'source=APIGateway']),
    );
    expect(await appsyncRow.getByTestId('tag-chip').allInnerTexts()).toEqual(
      expect.arrayContaining(['service=lambda', 'source=AppSync']),
    );
    expect(await appsyncRow.innerText()).toContain('API_KEY');

    await appsyncRow.getByText('source=AppSync').click();
    await eventually(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain(APPSYNC_HOST);
    expect(new URL(page.url()).searchParams.get('tag')).toBe('source=AppSync');
    await page.reload();
    await eventually(() => rows.count()).toBe(1);
    expect(await page.getByTestId('active-tag-filter').innerText()).toContain('source=AppSync');

    await page.getByRole('button', { name: 'clear' }).click();
    await eventually(() => rows.count()).toBe(2);

    // Endpoints column: ascending puts the 3-endpoint AppSync API first, descending the REST API.
    await page.getByRole('button', { name: /^Endpoints/ }).click();
    await eventually(async () => (await rows.first().innerText()).includes(APPSYNC_HOST)).toBe(true);
    await page.getByRole('button', { name: /^Endpoints/ }).click();
    await eventually(async () => (await rows.first().innerText()).includes(REST_HOST)).toBe(true);

    await page.getByRole('searchbox').fill('appsync');
    await eventually(() => rows.count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('q')).toBe('appsync');
  });

  it('lists the endpoints of a collection with tabs, method and sensitive-class filters, and search', async () => {
    const page = await h.newPage();
    await page.goto(`${h.url}/collections/${rest.id}`);
    const rows = page.getByTestId('endpoint-row');
    await eventually(() => rows.count()).toBe(restEndpoints.length);
    await eventually(() => page.getByTestId('collection-name').innerText()).toBe(REST_HOST);
    const paths = await page.locator('.ep-path').allInnerTexts();
    expect(paths).toEqual(expect.arrayContaining(['/orders/INTEGER', '/customers/INTEGER', '/products']));

    await page.getByLabel('Method').selectOption('POST');
    await eventually(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('/orders');
    expect(await rows.first().innerText()).toContain('CREDIT_CARD');
    await page.getByLabel('Method').selectOption('');

    await page.getByLabel('Sensitive class').selectOption('SSN');
    await expect
      .poll(() => texts(page, 'endpoint-row'))
      .toEqual([expect.stringContaining('/customers/INTEGER')]);
    await page.getByLabel('Sensitive class').selectOption('');

    const noAuth = restEndpoints.filter((e) => e.authTypes.includes('UNAUTHENTICATED')).map((e) => e.path);
    expect(noAuth).toEqual(['/products']);
    await page.getByRole('button', { name: 'No auth' }).click();
    await eventually(() => page.locator('.ep-path').allInnerTexts()).toEqual(noAuth);

    const sensitive = restEndpoints.filter((e) => e.sensitive.length > 0).map((e) => e.path);
    expect(sensitive.length).toBeGreaterThan(1);
    await page.getByRole('button', { name: 'Sensitive', exact: true }).click();
    await eventually(() => page.locator('.ep-path').allInnerTexts()).toEqual(sensitive);

    const weekAgo = Date.now() - 7 * 86_400_000;
    const fresh = restEndpoints.filter((e) => new Date(e.firstSeen).getTime() >= weekAgo).map((e) => e.path);
    expect(fresh).not.toContain('/legacy/report');
    expect(restEndpoints.map((e) => e.path)).toContain('/legacy/report');
    await page.getByRole('button', { name: /^New/ }).click();
    await eventually(() => page.locator('.ep-path').allInnerTexts()).toEqual(fresh);

    await page.getByRole('button', { name: 'All', exact: true }).click();
    await page.getByRole('searchbox').fill('custom');
    await eventually(() => page.locator('.ep-path').allInnerTexts()).toEqual(['/customers/INTEGER']);

    // The filters live in the URL, so a reload (or a shared link) shows the same list.
    await page.getByRole('button', { name: 'No auth' }).click();
    await page.getByRole('searchbox').fill('');
    await eventually(() => new URL(page.url()).searchParams.get('tab')).toBe('noauth');
    await eventually(() => new URL(page.url()).searchParams.has('q')).toBe(false);
    await page.reload();
    await eventually(() => page.locator('.ep-path').allInnerTexts()).toEqual(noAuth);
    expect(await page.getByRole('button', { name: 'No auth' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('shows an endpoint: schemas per status with sensitive parameters first, masked samples, chart, OpenAPI link', async () => {
    const post = restEndpoints.find((e) => e.method === 'POST' && e.path === '/orders');
    expect(post).toBeDefined();
    const page = await h.newPage();
    await page.goto(`${h.url}/endpoints/${post?.id}`);
    const title = page.getByTestId('endpoint-title');
    await title.waitFor();
    expect(await title.innerText()).toMatch(/POST\s+\/orders/);

    const request = page.getByTestId('request-schema');
    await eventually(() => request.innerText()).toContain('payment.card');
    const sections = await request.locator('.schema-section h4').allTextContents();
    expect(sections.map((s) => s.split(' ')[0])).toEqual(['Headers', 'Body']);
    const bodyRows = request.locator('.schema-section', { hasText: 'Body' }).getByTestId('param-row');
    expect(await bodyRows.first().innerText()).toMatch(
      /payment\.card\s+CREDIT_CARD\s+CREDIT_CARD\s+\*\*\*\*/,
    );
    const headerRows = request.locator('.schema-section', { hasText: 'Headers' }).getByTestId('param-row');
    expect(await headerRows.first().innerText()).toContain('authorization');

    const statusTabs = page.getByRole('tab');
    expect(await statusTabs.allInnerTexts()).toEqual(['200', '201']);
    const response = page.getByTestId('response-schema');
    expect(await response.innerText()).toContain('replayed');
    await statusTabs.filter({ hasText: '201' }).click();
    await eventually(() => response.innerText()).not.toContain('replayed');
    expect(await response.innerText()).toContain('Response 201');

    const samples = page.getByTestId('sample-request');
    expect(await samples.count()).toBe(2);
    const allSamples = (await samples.allInnerTexts()).join('\n');
    expect(allSamples).toContain('POST /orders');
    expect(allSamples).toContain('****');
    expect(allSamples).not.toContain('4111 1111 1111 1111');
    expect(await page.locator('mark.masked').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('sample-response').first().innerText()).toMatch(/^HTTP 20[01]/);

    const chart = page.getByTestId('hourly-chart');
    await chart.locator('canvas').waitFor();
    expect(await chart.locator('.u-legend').innerText()).toContain('Calls');
    expect(await chart.locator('figcaption').innerText()).toMatch(/2 calls over 2 hours/);

    const link = page.getByTestId('openapi-link');
    expect(await link.getAttribute('href')).toBe(`/api/collections/${rest.id}/openapi.json`);
    const openapi = await page.request.get(`${h.url}/api/collections/${rest.id}/openapi.json`);
    expect(openapi.ok()).toBe(true);
    expect(((await openapi.json()) as { openapi: string }).openapi).toMatch(/^3\.1/);
  });

  it('draws one bar per hour of traffic for a busy endpoint', async () => {
    const get = restEndpoints.find((e) => e.method === 'GET' && e.path === '/orders/INTEGER');
    const page = await h.newPage();
    await page.goto(`${h.url}/endpoints/${get?.id}`);
    const caption = page.getByTestId('hourly-chart').locator('figcaption');
    await eventually(() => caption.innerText()).toMatch(/^27 calls over 6 hours \(peak 7 \/ hour\)/);
    const box = await page.getByTestId('hourly-chart').locator('canvas').boundingBox();
    expect(box?.width).toBeGreaterThan(300);
  });

  it('keeps deep links working across a reload', async () => {
    const page = await h.newPage();
    const target = restEndpoints.find((e) => e.path === '/customers/INTEGER');
    await page.goto(`${h.url}/endpoints/${target?.id}`);
    await page.getByTestId('endpoint-title').waitFor();
    await page.reload();
    expect(await page.getByTestId('endpoint-title').innerText()).toContain('/customers/INTEGER');
    await page.getByRole('link', { name: REST_HOST }).click();
    await eventually(() => page.url()).toBe(`${h.url}/collections/${rest.id}`);
    await page.goto(`${h.url}/collections/${appsync.id}?q=post`);
    await expect
      .poll(() => page.locator('.ep-path').allInnerTexts())
      .toEqual(['/graphql/query/getPost', '/graphql/query/listPosts']);
    await page.reload();
    await eventually(() => page.locator('.ep-path').allInnerTexts()).toHaveLength(2);
    const missing = await page.goto(`${h.url}/endpoints/no-such-endpoint`);
    expect(missing?.status()).toBe(200);
    await eventually(() => page.getByRole('alert').innerText()).toContain('no-such-endpoint');
  });

  it('shows new endpoints and collections without a manual reload', async () => {
    const page = await h.newPage();
    await page.goto(`${h.url}/collections/${rest.id}`);
    await eventually(() => page.getByTestId('endpoint-row').count()).toBe(restEndpoints.length);
    await page.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });
    await ingest(h.url, [
      record({ path: '/coupons/SPRING24', requestHeaders: { host: REST_HOST }, tag: { service: 'lambda' } }),
    ]);
    await expect
      .poll(() => page.locator('.ep-path').allInnerTexts(), { timeout: 15_000 })
      .toContain('/coupons/SPRING24');

    await page.goto(`${h.url}/`);
    await eventually(() => page.getByTestId('collection-row').count()).toBe(2);
    await page.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });
    await ingest(h.url, [
      record({ path: '/v1/ping', requestHeaders: { host: 'billing.internal.example.com' } }),
    ]);
    await eventually(() => page.getByTestId('collection-row').count(), { timeout: 15_000 }).toBe(3);
    expect(
      await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
    const collections = await getJson<{ collections: CollectionDto[] }>(`${h.url}/api/collections`);
    expect(collections.collections.map((c) => c.name)).toContain('billing.internal.example.com');
  });
});
