/**
 * The in-memory collector in its own process, so its work does not share an event loop with the
 * emulators being timed. Prints its URL on the first line; answers `count` on stdin with the number
 * of records received (and decode errors).
 */
import { createInterface } from 'node:readline';
import { InMemoryCollector } from '../../packages/testkit/src/index.js';

const collector = await InMemoryCollector.start();
process.stdout.write(`${collector.url}\n`);
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line.trim() === 'count')
    process.stdout.write(`${collector.records.length} ${collector.decodeErrors.length}\n`);
});
rl.on('close', () => {
  void collector.close().then(() => process.exit(0));
});
