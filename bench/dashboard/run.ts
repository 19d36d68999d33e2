/**
 * Dashboard figures, each against a small baseline in the same run, target < 1 s:
 * - endpoints: navigation → first endpoint row, for a collection with 100,000 endpoints (BENCH_BIG)
 *   against a 10-endpoint collection. One collection that large is beyond the default endpoint cap
 *   (2,000) and the engine holds a collection whole in its working set, so this server raises the cap,
 *   the working set and the engine heap.
 * - collections: navigation → first collection row on the collections page (`/`), with 20,000
 *   collections (BENCH_COLLECTIONS) against a server holding 10.
 *
 *   npx tsx bench/dashboard/run.ts                        # both figures
 *   BENCH_FIGURES=collections npx tsx bench/dashboard/run.ts
 *
 * Starts the real server (temp data dir) per data set and seeds it through /api/ingestData (batches of
 * 1,000 records; for the collections figure one record per collection, each with performance and its own
 * tag), waits until the inventory lists everything, then loads the page in Debian's Chromium: a warm-up
 * load each, then 5 loads each alternately, every load in a cold browser context, timed in the page
 * (navigation start → first row in the DOM). Prints the medians.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrafficRecord } from '@tapline/contracts';
import { type RunningServer, type StartServerOptions, startServer } from '@tapline/server';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../packages/dashboard/test/support/browser.js';
import { ensureDashboardBuilt } from '../../packages/dashboard/test/support/dashboard-build.js';
import { manyEndpointsTraffic } from '../../packages/dashboard/test/support/many-endpoints.js';
import {
  type CollectionDto,
  getJson,
  ingest,
  nowSeconds,
  record,
  waitFor,
  waitForCollection,
} from '../../packages/dashboard/test/support/seed.js';

const TARGET_MS = 1000;
const LOADS = 5;
const BIG = Number(process.env.BENCH_BIG ?? 100_000);
const COLLECTIONS = Number(process.env.BENCH_COLLECTIONS ?? 20_000);
const SMALL = 10;
const FIGURES = (process.env.BENCH_FIGURES ?? 'endpoints,collections').split(',');
const BIG_HOST = 'big.bench.example.com';
const SMALL_HOST = 'small.bench.example.com';

async function firstRowMs(browser: Browser, url: string, testId: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    // Records, in the page's own clock, when the first row enters the DOM.
    // A string, as it runs in the page (this file is type-checked without the DOM library).
    await page.addInitScript({
      content: `new MutationObserver((_records, observer) => {
        if (document.querySelector('[data-testid="${testId}"]') !== null) {
          window.__firstRow = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });`,
    });
    await page.goto(url);
    await page.getByTestId(testId).first().waitFor({ state: 'visible', timeout: 60_000 });
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
async function measure(
  browser: Browser,
  urls: [string, string],
  testId: string,
): Promise<[number[], number[]]> {
  for (const url of urls) await firstRowMs(browser, url, testId);
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < LOADS; i++) {
    times[0].push(await firstRowMs(browser, urls[0], testId));
    times[1].push(await firstRowMs(browser, urls[1], testId));
  }
  return times;
}

/** Prints the figure; false when it misses the target. */
function report(what: string, baseline: string, big: string, [smallTimes, bigTimes]: [number[], number[]]) {
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  const bigMedian = median(bigTimes);
  const smallMedian = median(smallTimes);
  console.log(`navigation -> ${what} visible (Chromium, cold context per load, median of ${LOADS})`);
  console.log(`  baseline, ${baseline}: ${smallMedian.toFixed(0)} ms  [${fmt(smallTimes)}]`);
  console.log(`  ${big}: ${bigMedian.toFixed(0)} ms  [${fmt(bigTimes)}]`);
  console.log(`  ratio: ${(bigMedian / smallMedian).toFixed(2)}x`);
  console.log(`  target: < ${TARGET_MS} ms -> ${bigMedian < TARGET_MS ? 'MET' : 'MISSED'}`);
  return bigMedian < TARGET_MS;
}

const dashboardDir = await ensureDashboardBuilt();
const cleanups: (() => Promise<void>)[] = [];

async function serve(options: Partial<StartServerOptions> = {}): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tapline-bench-dashboard-'));
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logLevel: 'silent',
    sync: 'normal',
    dashboardDir,
    ...options,
  });
  cleanups.push(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return server;
}

/** `count` collections of one endpoint each, with performance, a tag of their own and spread last traffic. */
function collectionsTraffic(count: number, prefix: string): TrafficRecord[] {
  const now = nowSeconds();
  return Array.from({ length: count }, (_, i) =>
    record({
      path: '/v1/items',
      time: now - (i % 1000) * 60,
      requestHeaders: { host: `${prefix}${i}.bench.example.com` },
      tag: { service: 'lambda', fn: `fn${i}` },
      performance: { durationMs: 5 + (i % 200), coldStart: i % 7 === 0, outcome: 'ok' },
      lambdaFunction: { name: `fn${i}` },
    }),
  );
}

async function seedCollections(server: RunningServer, count: number, prefix: string): Promise<void> {
  await ingest(server.url, collectionsTraffic(count, prefix), 1000);
  await waitFor(
    `${count} collections`,
    async () => {
      const { total } = await getJson<{ total: number }>(`${server.url}/api/collections?pageSize=1`);
      return total === count ? total : undefined;
    },
    1_800_000,
  );
  // Every commit done, so the loads measure reading, not the engine's writes.
  await server.waitForInventory(600_000);
}

let browser: Browser | undefined;
let met = true;
try {
  browser = await launchChromium();
  if (FIGURES.includes('endpoints')) {
    const server = await serve({
      maxEndpointsPerCollection: BIG + SMALL,
      engineHeapMb: 4096,
      engineWorkingSetMb: 2048,
    });
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
    const times = await measure(
      browser,
      [`${server.url}/collections/${small.id}`, `${server.url}/collections/${big.id}`],
      'endpoint-row',
    );
    met =
      report('first endpoint row', `${SMALL} endpoints`, `${BIG.toLocaleString('en-US')} endpoints`, times) &&
      met;
  }
  if (FIGURES.includes('collections')) {
    const [small, big] = [await serve(), await serve()];
    const seedStart = performance.now();
    await seedCollections(small, SMALL, 'small');
    await seedCollections(big, COLLECTIONS, 'api');
    console.log(
      `seeded ${SMALL} and ${COLLECTIONS} collections in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );
    const times = await measure(browser, [`${small.url}/`, `${big.url}/`], 'collection-row');
    met =
      report(
        'first collection row',
        `${SMALL} collections`,
        `${COLLECTIONS.toLocaleString('en-US')} collections`,
        times,
      ) && met;
  }
  if (!met) process.exitCode = 1;
} finally {
  await browser?.close();
  for (const cleanup of cleanups) await cleanup();
}
