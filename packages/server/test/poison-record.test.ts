import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/server.js';
import { storage } from '../src/sqlite/sqlite-storage.js';
import type { InventoryEvent } from '../src/worker/inventory-loop.js';
import { startInventoryWorker } from '../src/worker/inventory-worker.js';
import { httpRequest, postJson } from './support/http.js';
import { makeRecord, wireBody } from './support/records.js';
import { makeTempDir } from './support/temp-dir.js';

const POISON = 5;

describe('a record that kills the engine thread is isolated, processing continues', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('the supervisor sets it aside after bounded attempts, stores it, reports it once', {
    timeout: 60_000,
  }, async () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const log = await storage.trafficLog({ dataDir: temp.dir, sync: 'full' });
    cleanups.push(() => log.close());
    await log.append(Array.from({ length: 10 }, (_, i) => makeRecord({ path: `/orders/${i + 1}` })));

    const events: InventoryEvent[] = [];
    const errors: string[] = [];
    let checkpoint = 0;
    let isolated = 0;
    const worker = await startInventoryWorker({
      mode: 'thread',
      storage: { factories: storage, module: new URL('../src/sqlite/sqlite-storage.ts', import.meta.url) },
      dataDir: temp.dir,
      sync: 'full',
      retentionMs: 3_600_000,
      workingSetBytes: 16 * 1024 * 1024,
      maxEndpointsPerCollection: 2_000,
      maxParametersPerEndpoint: 1_000,
      exitAtSeq: POISON,
      onProgress: (progress) => {
        checkpoint = progress.checkpoint;
        isolated = progress.isolated;
      },
      onEvent: (event) => events.push(event),
      onError: (message) => errors.push(message),
    });
    const deadline = Date.now() + 45_000;
    while (checkpoint < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await worker.stop();

    expect(checkpoint).toBe(10);
    expect(isolated).toBe(1);
    expect(events).toEqual([
      { type: 'isolated', seq: POISON, reason: expect.stringContaining('died 2 times') },
    ]);
    // Two deaths on the record, then it is set aside: no third.
    expect(errors.filter((e) => e.startsWith('inventory worker died'))).toHaveLength(2);

    const db = new Database(join(temp.dir, 'inventory.db'), { readonly: true });
    cleanups.push(() => {
      db.close();
    });
    const rows = db.prepare('SELECT seq, record FROM isolated_records').all() as {
      seq: number;
      record: string;
    }[];
    expect(rows.map((r) => r.seq)).toEqual([POISON]);
    expect((JSON.parse(rows[0]?.record ?? '{}') as { path: string }).path).toBe(`/orders/${POISON}`);
    // Every other record counted exactly once.
    const calls = db.prepare('SELECT SUM(calls) AS n FROM endpoints').get() as { n: number };
    expect(calls.n).toBe(9);
  });

  it('tapline serve keeps going past it and counts it in /metrics', { timeout: 60_000 }, async () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const server: RunningServer = await startServer(
      { host: '127.0.0.1', port: 0, dataDir: temp.dir, logLevel: 'silent' },
      { engineExitAtSeq: POISON },
    );
    cleanups.push(() => server.close());
    const body = wireBody(Array.from({ length: 8 }, (_, i) => makeRecord({ path: `/orders/${i + 1}` })));
    expect((await postJson(`${server.url}/api/ingestData`, body)).status).toBe(200);
    await server.waitForInventory(45_000);
    expect((await postJson(`${server.url}/api/ingestData`, body)).status).toBe(200);
    await server.waitForInventory(10_000);
    const metrics = (await httpRequest(`${server.url}/metrics`)).text;
    expect(metrics).toContain('tapline_inventory_isolated_records_total 1\n');
    expect(metrics).toContain('tapline_inventory_checkpoint_seq 16\n');
    expect(metrics).toContain('tapline_records_processed_total 15\n');
  });
});
