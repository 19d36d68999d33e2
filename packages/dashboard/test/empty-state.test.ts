// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright's Locator.innerText(), the text a user sees.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { type Harness, startHarness } from './support/harness.js';

const run = promisify(execFile);

describe('dashboard before any traffic', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('explains how to send traffic, and its curl example works and shows up without a reload', async () => {
    const page = await h.newPage();
    await page.goto(`${h.url}/`);
    const empty = page.getByTestId('empty-state');
    await empty.waitFor();
    const text = await empty.innerText();
    expect(text).toContain('AKTO_MIRRORING_URL');
    expect(text).toContain(`${h.url}/api/ingestData`);

    const curl = await page.getByTestId('curl-example').innerText();
    expect(curl).toMatch(/^curl /);
    const { stdout } = await run('sh', ['-c', curl]);
    expect(JSON.parse(stdout)).toMatchObject({ success: true, accepted: 1 });

    const row = page.getByTestId('collection-row');
    await eventually(() => row.count(), { timeout: 15_000 }).toBe(1);
    expect(await row.innerText()).toContain('demo.example.com');
    expect(await row.innerText()).toContain('service=lambda');
    expect(await page.getByTestId('empty-state').count()).toBe(0);
  });
});
