// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright's Locator.innerText(), the text a user sees.
import { hashPassword } from '@tapline/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { type Harness, startHarness } from './support/harness.js';
import { ingest, record } from './support/seed.js';

const USER = 'ann';
const PASSWORD = 'correct horse battery staple';
const READ_TOKEN = 'dashboard-read-token-3c9a1e';

describe('login in Chromium against the real server', () => {
  let h: Harness;
  let collectionId: string;

  beforeAll(async () => {
    h = await startHarness({
      security: {
        // A cheap scrypt cost keeps the test fast; `tapline user hash` uses ln=15.
        users: [{ name: USER, hash: await hashPassword(PASSWORD, 10) }],
        readTokens: [READ_TOKEN],
      },
    });
    await ingest(h.url, [
      record({ path: '/orders/17' }),
      record({ path: '/orders/18' }),
      record({ path: '/customers/4', method: 'POST' }),
    ]);
    await h.server.waitForInventory();
    const response = await fetch(`${h.url}/api/collections`, {
      headers: { authorization: `Bearer ${READ_TOKEN}` },
    });
    const body = (await response.json()) as { collections: { id: string }[] };
    collectionId = body.collections[0]?.id as string;
    expect(collectionId).toBeDefined();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a deep link shows the login page; a wrong password is refused, the right one returns to the link', async () => {
    const page = await h.newPage();
    const deepLink = `/collections/${encodeURIComponent(collectionId)}?q=orders`;
    await page.goto(`${h.url}${deepLink}`);
    await eventually(() => new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe(deepLink);
    const password = page.locator('input[name="password"]');
    expect(await password.getAttribute('type')).toBe('password');

    await page.fill('input[name="user"]', USER);
    await password.fill('not the password');
    await page.click('button[type="submit"]');
    await eventually(() => page.getByRole('alert').innerText()).toContain(
      'Wrong user name, password or token.',
    );
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.context().cookies()).toEqual([]);

    await page.fill('input[name="user"]', USER);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await eventually(() => {
      const url = new URL(page.url());
      return `${url.pathname}${url.search}`;
    }).toBe(deepLink);
    const rows = page.getByTestId('endpoint-row');
    // The search from the deep link survived: only the (merged) /orders endpoint, not /customers.
    await eventually(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('/orders/');
    expect(await page.getByTestId('session-status').innerText()).toContain(`Signed in as ${USER}`);
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'tapline_session', httpOnly: true, sameSite: 'Strict' });

    // Logging out ends the session: the dashboard is behind the login page again.
    await page.getByTestId('logout').click();
    await eventually(() => new URL(page.url()).pathname).toBe('/login');
    await page.goto(`${h.url}/`);
    await eventually(() => new URL(page.url()).pathname).toBe('/login');
  });

  it('when the session ends while the dashboard is open, the next API 401 shows the login page and comes back', async () => {
    const page = await h.newPage();
    await page.goto(`${h.url}/login`);
    await page.fill('input[name="password"]', READ_TOKEN);
    await page.click('button[type="submit"]');
    await eventually(() => new URL(page.url()).pathname).toBe('/');
    await page.goto(`${h.url}/collections/${encodeURIComponent(collectionId)}`);
    const link = page.getByTestId('endpoint-row').first().locator('a');
    await eventually(() => link.count()).toBe(1);
    const target = (await link.getAttribute('href')) as string;

    await page.context().clearCookies();
    await link.click();
    await eventually(() => new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe(target);
    await page.fill('input[name="password"]', READ_TOKEN);
    await page.click('button[type="submit"]');
    await eventually(() => new URL(page.url()).pathname).toBe(target);
    await eventually(() => page.getByTestId('session-status').innerText()).toContain('Signed in as token');
  });
});
