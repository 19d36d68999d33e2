// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright's Locator.innerText(), the text a user sees.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { type Harness, startHarness } from './support/harness.js';
import { type CollectionDto, getJson, ingest, listAllEndpoints, record, waitFor } from './support/seed.js';

const SCRIPT = '<script>window.__xss=1</script>';
const IMG = '<img src=x onerror="window.__xss=1">';
const JS_URL = 'javascript:window.__xss=1';
const EVIL_HOST = '<img src=x onerror=window.__xss=1>';

/** Captured traffic is attacker-controlled: paths, header values, bodies, tags and even the host. */
function hostileTraffic() {
  const headers = { host: 'victim.example.com', 'x-note': IMG, referer: JS_URL, 'x-comment': SCRIPT };
  const body = JSON.stringify({ comment: SCRIPT, avatar: IMG, homepage: JS_URL });
  const tag = { service: 'lambda', team: IMG };
  return [
    record({ path: `/xss/${SCRIPT}`, requestHeaders: headers, responsePayload: body, tag }),
    record({
      path: `/img/${IMG}?next=${JS_URL}`,
      requestHeaders: headers,
      requestPayload: body,
      method: 'POST',
      tag,
    }),
    record({ path: `/${JS_URL}`, requestHeaders: headers, responsePayload: body, tag }),
    record({
      path: '/profile',
      requestHeaders: { host: EVIL_HOST },
      responsePayload: body,
      tag: { source: SCRIPT },
    }),
  ];
}

/** Nothing the payloads would create exists: no flag, no injected elements, no javascript: links. */
async function assertInert(page: Page): Promise<void> {
  const probe = await page.evaluate(() => ({
    flag: (window as unknown as { __xss?: unknown }).__xss,
    injectedScripts: [...document.querySelectorAll('script')].filter((s) =>
      (s.textContent ?? '').includes('__xss'),
    ).length,
    images: [...document.querySelectorAll('img')].map((i) => i.getAttribute('src')),
    onerror: document.querySelectorAll('[onerror]').length,
    jsLinks: [...document.querySelectorAll('[href],[src]')].filter((e) =>
      /^\s*javascript:/i.test(e.getAttribute('href') ?? e.getAttribute('src') ?? ''),
    ).length,
  }));
  expect(probe).toEqual({ flag: undefined, injectedScripts: 0, images: [], onerror: 0, jsLinks: 0 });
}

describe('dashboard renders captured traffic as text, never as HTML', () => {
  let h: Harness;
  let victim: CollectionDto;
  let evil: CollectionDto;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    await ingest(h.url, hostileTraffic());
    await h.server.waitForInventory();
    const collections = await waitFor('both collections', async () => {
      const { collections } = await getJson<{ collections: CollectionDto[] }>(`${h.url}/api/collections`);
      return collections.length === 2 ? collections : undefined;
    });
    victim = collections.find((c) => c.name === 'victim.example.com') as CollectionDto;
    evil = collections.find((c) => c.name !== 'victim.example.com') as CollectionDto;
  });

  afterAll(async () => {
    await h?.close();
  });

  async function open(path: string): Promise<Page> {
    const page = await h.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => {
      pageErrors.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.goto(`${h.url}${path}`);
    return page;
  }

  it('serves the built page with a strict Content-Security-Policy', async () => {
    const page = await open('/');
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
  });

  it('shows hostile tags literally on the collections page; a hostile Host names no collection', async () => {
    // Not a host name: the record goes where records without a host go.
    expect(evil.name).toBe('vxlan-0');
    const page = await open('/');
    await eventually(() => page.getByTestId('collection-row').count()).toBe(2);
    const text = await page.locator('main').innerText();
    expect(text).not.toContain(EVIL_HOST);
    expect(text).toContain(`team=${IMG}`);
    expect(text).toContain(`source=${SCRIPT}`);
    await page.getByText(`source=${SCRIPT}`).click();
    await eventually(() => page.getByTestId('collection-row').count()).toBe(1);
    await assertInert(page);
  });

  it('shows hostile paths literally in the endpoint list, and links by id only', async () => {
    const page = await open(`/collections/${victim.id}`);
    await eventually(() => page.getByTestId('endpoint-row').count()).toBe(3);
    const paths = await page.locator('.ep-path').allInnerTexts();
    expect(paths.some((p) => p.includes(SCRIPT))).toBe(true);
    expect(paths.some((p) => p.includes('<img src=x onerror="window.__xss=1">'))).toBe(true);
    expect(paths.some((p) => p.includes(JS_URL))).toBe(true);
    const hrefs = await page
      .locator('.ep-path a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    for (const href of hrefs) expect(href).toMatch(/^\/endpoints\/[A-Za-z0-9_-]+$/);
    await assertInert(page);
  });

  it('shows hostile headers and bodies literally on every endpoint page', async () => {
    const endpoints = await listAllEndpoints(h.url, victim.id);
    expect(endpoints).toHaveLength(3);
    for (const endpoint of endpoints) {
      const page = await open(`/endpoints/${endpoint.id}`);
      await page.getByTestId('sample').first().waitFor();
      const title = await page.getByTestId('endpoint-title').innerText();
      expect(title).toContain(endpoint.path);
      const samples = (await page.getByTestId('sample').allInnerTexts()).join('\n');
      expect(samples).toContain(`x-note: ${IMG}`);
      expect(samples).toContain(`referer: ${JS_URL}`);
      expect(samples).toContain(`x-comment: ${SCRIPT}`);
      expect(samples).toContain(`"comment": "${SCRIPT}"`);
      expect(samples).toContain(`"homepage": "${JS_URL}"`);
      const schemas = await page.locator('.schemas').innerText();
      expect(schemas).toContain('x-note');
      await assertInert(page);
    }
    expect(pageErrors).toEqual([]);
  });

  it('shows a hostile Host header literally on its endpoint page', async () => {
    const [endpoint] = await listAllEndpoints(h.url, evil.id);
    const page = await open(`/endpoints/${endpoint!.id}`);
    await page.getByTestId('sample').first().waitFor();
    const samples = (await page.getByTestId('sample').allInnerTexts()).join('\n');
    expect(samples).toContain(`host: ${EVIL_HOST}`);
    await assertInert(page);
    expect(pageErrors).toEqual([]);
  });
});
