/** `tapline serve` as the benchmark runs it: own process, fresh data dir, real engine in its thread. */
import { startServer } from '@tapline/server';

const [dataDir, sync] = process.argv.slice(2);
if (dataDir === undefined) throw new Error('usage: tapline-server.ts <dataDir> [full|normal]');
const server = await startServer({
  host: '127.0.0.1',
  port: 0,
  dataDir,
  logLevel: 'warn',
  sync: sync === 'normal' ? 'normal' : 'full',
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.on('SIGTERM', () => {
  void (async () => {
    const health = await fetch(`${server.url}/healthz`).then((r) => r.json());
    process.stderr.write(`${JSON.stringify(health)}\n`);
    await server.close();
    process.exit(0);
  })();
});
