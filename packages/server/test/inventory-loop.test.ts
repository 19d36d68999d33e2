import { afterEach, describe, expect, it } from 'vitest';
import { storage } from '../src/sqlite/sqlite-storage.js';
import { runInventoryLoop } from '../src/worker/inventory-loop.js';
import { WakeSignal } from '../src/worker/wake-signal.js';
import { makeRecord } from './support/records.js';
import { makeTempDir } from './support/temp-dir.js';

describe('runInventoryLoop (real engine, SQLite log and store)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(dir: string, retentionMs: number) {
    const log = await storage.trafficLog({ dataDir: dir, sync: 'full' });
    const store = await storage.inventoryStore({ dataDir: dir, sync: 'full' });
    const signal = new WakeSignal();
    const errors: unknown[] = [];
    let checkpoint = -1;
    let stop = false;
    const done = runInventoryLoop({
      log,
      store,
      batchSize: 7,
      workingSetBytes: 64 * 1024 * 1024,
      commitEvery: 20,
      commitIntervalMs: 1000,
      retentionMs,
      pruneEveryMs: 0,
      waitForWork: (ms) => signal.wait(ms),
      shouldStop: () => stop,
      onProgress: (progress) => {
        checkpoint = progress.checkpoint;
      },
      onError: (error) => errors.push(error),
    });
    const until = async (seq: number) => {
      while (checkpoint < seq) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    const close = async () => {
      stop = true;
      signal.wake();
      await done;
      await log.close();
      await store.close();
    };
    return { log, store, signal, errors, until, close };
  }

  it('applies the log in order, commits with the checkpoint, prunes processed traffic, and resumes without double counting', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const first = await start(temp.dir, 0);
    for (let i = 0; i < 5; i++) await first.log.append(Array.from({ length: 10 }, () => makeRecord()));
    first.signal.wake();
    await first.until(50);
    await first.close();
    expect(first.errors).toEqual([]);

    const second = await start(temp.dir, 0);
    cleanups.push(second.close);
    await second.log.append([makeRecord(), makeRecord({ path: '/health' })]);
    second.signal.wake();
    await second.until(52);
    const snapshot = await second.store.loadSnapshot();
    expect(snapshot.checkpoint).toBe(52);
    expect(snapshot.endpoints.map((e) => [e.path, e.calls])).toEqual([['/orders/INTEGER', 51]]);
    // Everything processed is older than a zero retention window: the log is empty, its head kept.
    for (let i = 0; i < 50 && (await second.log.count()) > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await second.log.count()).toBe(0);
    expect(await second.log.headSeq()).toBe(52);
  });

  it('keeps processed traffic inside the retention window', async () => {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const run = await start(temp.dir, 3_600_000);
    cleanups.push(run.close);
    await run.log.append([makeRecord(), makeRecord()]);
    run.signal.wake();
    await run.until(2);
    expect(await run.log.count()).toBe(2);
  });
});
