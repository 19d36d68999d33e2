/**
 * Dashboard figure: time from navigation to the first endpoint row visible, for a collection with
 * 100,000 endpoints (BENCH_BIG), against a 10-endpoint collection in the same run (baseline). One
 * collection that large is beyond the default endpoint cap (2,000) and the engine holds a collection
 * whole in its working set, so this run raises the cap, the working set and the engine heap for it.
 *
 *   npx tsx bench/dashboard/run.ts
 *
 * Starts the real server (temp data dir), seeds both collections through /api/ingestData, waits until the
 * inventory lists every endpoint, then loads /collections/:id in Debian's Chromium: 5 loads each, every
 * load in a cold browser context, timed in the page (navigation start → first row in the DOM).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@tapline/server';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../packages/dashboard/test/support/browser.js';
import { ensureDashboardBuilt } from '../../packages/dashboard/test/support/dashboard-build.js';
import { manyEndpointsTraffic } from '../../packages/dashboard/test/support/many-endpoints.js';
import { type CollectionDto, ingest, waitForCollection } from '../../packages/dashboard/test/support/seed.js';

const TARGET_MS = 1000;
const LOADS = 5;
const BIG = Number(process.env.BENCH_BIG ?? 100_000);
const SMALL = 10;
const BIG_HOST = 'big.bench.example.com';
const SMALL_HOST = 'small.bench.example.com';

async function firstRowMs(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    // Records, in the page's own clock, when the first endpoint row enters the DOM.
    // A string, as it runs in the page (this file is type-checked without the DOM library).
    await page.addInitScript({
      content: `new MutationObserver((_records, observer) => {
        if (document.querySelector('[data-testid="endpoint-row"]') !== null) {
          window.__firstRow = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });`,
    });
    await page.goto(url);
    const row = page.getByTestId('endpoint-row').first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    const ms = (await page.evaluate('window.__firstRow')) as number | undefined;
    if (ms === undefined) throw new Error('first row time not recorded');
    return ms;
  } finally {
    await context.close();
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Warm-up load of each (discarded), then the two pages alternately so neither gains from going second. */
async function measure(browser: Browser, urls: [string, string]): Promise<[number[], number[]]> {
  for (const url of urls) await firstRowMs(browser, url);
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < LOADS; i++) {
    times[0].push(await firstRowMs(browser, urls[0]));
    times[1].push(await firstRowMs(browser, urls[1]));
  }
  return times;
}

const dashboardDir = await ensureDashboardBuilt();
const dataDir = mkdtempSync(join(tmpdir(), 'tapline-bench-dashboard-'));
const server = await startServer({
  host: '127.0.0.1',
  port: 0,
  dataDir,
  logLevel: 'silent',
  sync: 'normal',
  dashboardDir,
  maxEndpointsPerCollection: BIG + SMALL,
  engineHeapMb: 4096,
  engineWorkingSetMb: 2048,
});
let browser: Browser | undefined;
try {
  const seedStart = performance.now();
  await ingest(
    server.url,
    [...manyEndpointsTraffic(BIG_HOST, BIG), ...manyEndpointsTraffic(SMALL_HOST, SMALL)],
    1000,
  );
  const big: CollectionDto = await waitForCollection(server.url, BIG_HOST, BIG, 1_800_000);
  const small: CollectionDto = await waitForCollection(server.url, SMALL_HOST, SMALL, 60_000);
  if (big.endpoints !== BIG)
    throw new Error(`expected ${BIG} endpoints, the inventory shows ${big.endpoints}`);
  console.log(
    `seeded ${big.endpoints} + ${small.endpoints} endpoints in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
  );

  browser = await launchChromium();
  const [smallTimes, bigTimes] = await measure(browser, [
    `${server.url}/collections/${small.id}`,
    `${server.url}/collections/${big.id}`,
  ]);
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  const bigMedian = median(bigTimes);
  const smallMedian = median(smallTimes);
  console.log(
    `navigation -> first endpoint row visible (Chromium, cold context per load, median of ${LOADS})`,
  );
  console.log(`  baseline, ${SMALL} endpoints:     ${smallMedian.toFixed(0)} ms  [${fmt(smallTimes)}]`);
  console.log(
    `  ${BIG.toLocaleString('en-US')} endpoints:          ${bigMedian.toFixed(0)} ms  [${fmt(bigTimes)}]`,
  );
  console.log(
    `  ratio ${BIG.toLocaleString('en-US')} / 10:          ${(bigMedian / smallMedian).toFixed(2)}x`,
  );
  console.log(`  target: < ${TARGET_MS} ms -> ${bigMedian < TARGET_MS ? 'MET' : 'MISSED'}`);
  if (bigMedian >= TARGET_MS) process.exitCode = 1;
} finally {
  await browser?.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
