// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright's Locator.innerText(), the text a user sees.
import type { TrafficRecord } from '@tapline/contracts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { type Harness, startHarness } from './support/harness.js';
import {
  type CollectionDto,
  type EndpointDto,
  ingest,
  listAllEndpoints,
  record,
  waitForCollection,
} from './support/seed.js';

const HOST = 'perf.example.com';
const QUICK = 'quick.example.com';

/** /fast: 1–50.5 ms, every tenth cold; /slow: 1–1.5 s, a fifth failing; /plain: no performance. */
function traffic(): TrafficRecord[] {
  const headers = { host: HOST, 'content-type': 'application/json' };
  const out: TrafficRecord[] = [];
  for (let i = 0; i < 100; i++)
    out.push(
      record({
        path: '/fast',
        requestHeaders: headers,
        performance: { durationMs: 1 + i * 0.5, coldStart: i % 10 === 0, outcome: 'ok' },
        lambdaFunction: { name: 'shop-api', qualifier: i % 4 === 0 ? 'canary' : 'live' },
      }),
    );
  for (let i = 0; i < 20; i++) {
    const failed = i % 5 === 4;
    out.push(
      record({
        path: '/slow',
        requestHeaders: headers,
        statusCode: failed ? 502 : 200,
        performance: {
          durationMs: 1000 + i * 25,
          coldStart: false,
          outcome: failed ? 'function_error' : 'ok',
        },
        lambdaFunction: { name: 'report-api' },
      }),
    );
  }
  out.push(record({ path: '/plain', requestHeaders: headers }));
  for (let i = 0; i < 3; i++)
    out.push(
      record({
        path: '/q',
        requestHeaders: { host: QUICK },
        performance: { durationMs: 0.5, coldStart: true, outcome: 'ok' },
      }),
    );
  return out;
}

const paths = (page: Page) => page.getByTestId('endpoint-row').locator('.ep-path').allInnerTexts();

describe('dashboard: how each endpoint performs', () => {
  let h: Harness;
  let perf: CollectionDto;
  let endpoints: EndpointDto[];

  beforeAll(async () => {
    h = await startHarness();
    await ingest(h.url, traffic());
    perf = await waitForCollection(h.url, HOST, 3);
    await waitForCollection(h.url, QUICK, 1);
    await h.server.waitForInventory();
    endpoints = await listAllEndpoints(h.url, perf.id);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('shows p50, p95, p99, error % and cold-start % per endpoint, a dash without performance', async () => {
    const page = await h.newPage();
    await page.goto(`${h.url}/collections/${perf.id}`);
    await eventually(() => paths(page)).toEqual(['/fast', '/plain', '/slow']);
    const row = (path: string) => page.getByTestId('endpoint-row').filter({ hasText: path });
    expect(await row('/fast').getByTestId('perf-p50Ms').innerText()).toMatch(/^2[56](\.\d+)? ms$/);
    expect(await row('/fast').getByTestId('perf-coldStartRate').innerText()).toBe('10 %');
    expect(await row('/fast').getByTestId('perf-errorRate').innerText()).toBe('0 %');
    expect(await row('/slow').getByTestId('perf-errorRate').innerText()).toBe('20 %');
    expect(await row('/slow').getByTestId('perf-p99Ms').innerText()).toMatch(/^1,4\d\d ms$/);
    expect(await row('/plain').getByTestId('perf-p99Ms').innerText()).toBe('–');
    // The collection's own figures, each invocation once.
    const summary = await page.getByTestId('collection-performance').innerText();
    expect(summary).toContain('120 invocations');
    expect(summary).toMatch(/Errors\s+3\.33 %/);
  });

  it('sorts the endpoint list by a performance column, worst first, then flips; no performance stays last', async () => {
    const page = await h.newPage();
    await page.goto(`${h.url}/collections/${perf.id}`);
    await eventually(() => paths(page)).toEqual(['/fast', '/plain', '/slow']);
    await page.getByTestId('sort-p99Ms').click();
    await eventually(() => paths(page)).toEqual(['/slow', '/fast', '/plain']);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('p99Ms');
    expect(await page.getByRole('columnheader', { name: /p99/ }).getAttribute('aria-sort')).toBe(
      'descending',
    );
    await page.getByTestId('sort-p99Ms').click();
    await eventually(() => paths(page)).toEqual(['/fast', '/slow', '/plain']);
    expect(new URL(page.url()).searchParams.get('dir')).toBe('asc');
    await page.reload();
    await eventually(() => paths(page)).toEqual(['/fast', '/slow', '/plain']);
    await page.getByTestId('sort-coldStartRate').click();
    await eventually(() => paths(page)).toEqual(['/fast', '/slow', '/plain']);
    await page.getByTestId('sort-errorRate').click();
    await eventually(() => paths(page)).toEqual(['/slow', '/fast', '/plain']);
    await page.getByTestId('sort-path').click();
    await eventually(() => paths(page)).toEqual(['/fast', '/plain', '/slow']);
    expect(new URL(page.url()).searchParams.get('sort')).toBeNull();
  });

  it('shows performance per collection and sorts collections by it', async () => {
    const page = await h.newPage();
    await page.goto(`${h.url}/`);
    const rows = page.getByTestId('collection-row');
    await eventually(() => rows.count()).toBe(2);
    const names = () => rows.locator('.collection-name').allInnerTexts();
    await page.getByTestId('collection-sort-p99Ms').click();
    await eventually(names).toEqual([HOST, QUICK]);
    await page.getByTestId('collection-sort-p99Ms').click();
    await eventually(names).toEqual([QUICK, HOST]);
    await page.getByTestId('collection-sort-coldStartRate').click();
    await eventually(names).toEqual([QUICK, HOST]);
    expect(await rows.filter({ hasText: QUICK }).getByTestId('perf-coldStartRate').innerText()).toBe('100 %');
    expect(await rows.filter({ hasText: HOST }).getByTestId('perf-errorRate').innerText()).toBe('3.33 %');
  });

  it('shows the functions that served an endpoint, and its performance per hour', async () => {
    const page = await h.newPage();
    const fast = endpoints.find((e) => e.path === '/fast');
    await page.goto(`${h.url}/endpoints/${fast?.id}`);
    const fns = page.getByTestId('function-row');
    await eventually(() => fns.count()).toBe(2);
    expect(await fns.allInnerTexts()).toEqual([
      expect.stringMatching(/shop-api\s+live\s+75/),
      expect.stringMatching(/shop-api\s+canary\s+25/),
    ]);
    expect(await page.getByTestId('fact-coldStartRate').innerText()).toBe('10 %');
    expect(await page.getByTestId('hourly-performance').locator('tbody tr').count()).toBeGreaterThan(0);

    const plain = endpoints.find((e) => e.path === '/plain');
    await page.goto(`${h.url}/endpoints/${plain?.id}`);
    await eventually(() => page.getByTestId('no-performance').count()).toBe(1);
  });
});
