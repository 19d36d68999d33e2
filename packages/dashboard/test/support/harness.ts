import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, type StartServerOptions, startServer } from '@tapline/server';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { ensureDashboardBuilt } from './dashboard-build.js';

export interface Harness {
  server: RunningServer;
  browser: Browser;
  url: string;
  /** A page in a fresh browser context, closed by `close()`. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** The real server (temp data dir, built dashboard) and Debian's Chromium, for one test file. */
export async function startHarness(serverOptions: StartServerOptions = {}): Promise<Harness> {
  const dashboardDir = await ensureDashboardBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'tapline-dashboard-test-'));
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logLevel: 'silent',
    dashboardDir,
    ...serverOptions,
  });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await server.close();
    throw error;
  }
  const pages: Page[] = [];
  return {
    server,
    browser,
    url: server.url,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      pages.push(page);
      return page;
    },
    async close() {
      await Promise.allSettled(pages.map((p) => p.context().close()));
      await browser.close().catch(() => {});
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
