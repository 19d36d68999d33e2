/**
 * Writes docs/screenshots/{collections,endpoints,endpoint-detail}.png from the real server seeded with
 * demo traffic (a REST API and an AppSync API, both behind Lambda):
 *   npx tsx packages/dashboard/scripts/screenshots.ts
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startHarness } from '../test/support/harness.js';
import { APPSYNC_HOST, demoTraffic, REST_HOST } from '../test/support/scenario.js';
import { ingest, listAllEndpoints, waitForCollection } from '../test/support/seed.js';

const outDir = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
mkdirSync(outDir, { recursive: true });

const h = await startHarness();
try {
  await ingest(h.url, demoTraffic());
  const rest = await waitForCollection(h.url, REST_HOST, 6);
  await waitForCollection(h.url, APPSYNC_HOST, 3);
  await h.server.waitForInventory();
  const endpoints = await listAllEndpoints(h.url, rest.id);
  const detail = endpoints.find((e) => e.method === 'GET' && e.path === '/orders/INTEGER') ?? endpoints[0];
  if (detail === undefined) throw new Error('no endpoint to show');

  const page = await h.newPage();
  await page.goto(`${h.url}/`);
  await page.getByTestId('collection-row').nth(1).waitFor();
  await page.screenshot({ path: `${outDir}collections.png` });

  await page.goto(`${h.url}/collections/${rest.id}`);
  await page
    .getByTestId('endpoint-row')
    .nth(endpoints.length - 1)
    .waitFor();
  await page.screenshot({ path: `${outDir}endpoints.png` });

  await page.goto(`${h.url}/endpoints/${detail.id}`);
  await page.getByTestId('hourly-chart').locator('canvas').waitFor();
  await page.getByTestId('sample').first().waitFor();
  await page.screenshot({ path: `${outDir}endpoint-detail.png`, fullPage: true });
  console.log(`wrote ${outDir}{collections,endpoints,endpoint-detail}.png`);
} finally {
  await h.close();
}
