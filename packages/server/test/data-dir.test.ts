import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { storage } from '../src/sqlite/sqlite-storage.js';
import { spawnTs } from './support/spawn-server.js';
import { makeTempDir } from './support/temp-dir.js';

const SERVE_ENTRY = fileURLToPath(new URL('./support/serve-entry.ts', import.meta.url));

describe('the data directory', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('is created with its missing parents', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const dataDir = path.join(temp.dir, 'a', 'b', 'c');
    const log = await storage.trafficLog({ dataDir, sync: 'full' });
    cleanups.push(() => log.close());
    const store = await storage.inventoryStore({ dataDir, sync: 'full' });
    cleanups.push(() => store.close());
    expect(existsSync(path.join(dataDir, 'traffic.db'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'inventory.db'))).toBe(true);
  });

  // Node's recursive mkdir never returns there. The server runs in a process of its own, so a hang fails
  // this test instead of blocking the test worker.
  it.runIf(existsSync('/proc/self'))(
    'that cannot be created stops the server, naming it',
    async () => {
      const dataDir = '/proc/tapline-no-such-dir/data';
      const server = spawnTs(SERVE_ENTRY, [dataDir]);
      const deadline = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
      const code = await server.exited;
      clearTimeout(deadline);
      expect(code, `killed after 10 s: ${server.stderr()}`).not.toBe(null);
      expect(code).not.toBe(0);
      expect(server.stderr()).toContain(`cannot open ${dataDir}`);
    },
    20_000,
  );
});
