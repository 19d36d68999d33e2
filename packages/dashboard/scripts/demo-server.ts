/**
 * Starts a real Tapline server on 127.0.0.1:9091 (or PORT) seeded with demo traffic, for
 * `npm run dev -w @tapline/dashboard` or a quick look at the built dashboard:
 *   npx tsx packages/dashboard/scripts/demo-server.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@tapline/server';
import { dashboardDistDir } from '../dist-path.js';
import { demoTraffic } from '../test/support/scenario.js';
import { ingest } from '../test/support/seed.js';

const dataDir = mkdtempSync(join(tmpdir(), 'tapline-demo-'));
const server = await startServer({
  host: '127.0.0.1',
  port: Number(process.env.PORT ?? 9091),
  dataDir,
  logLevel: 'warn',
  dashboardDir: dashboardDistDir,
});
await ingest(server.url, demoTraffic());
await server.waitForInventory();
console.log(`Tapline with demo traffic at ${server.url} (data in ${dataDir}); Ctrl-C to stop.`);
process.on('SIGINT', () => void server.close().then(() => process.exit(0)));
