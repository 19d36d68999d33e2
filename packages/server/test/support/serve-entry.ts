/**
 * Runs the real server as its own process for the crash test: `node --import tsx serve-entry.ts <dataDir>`.
 * Prints one JSON line with the URL once listening.
 */
import { startServer } from '../../src/server.js';

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: serve-entry.ts <dataDir>');
const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, logLevel: 'warn' });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
