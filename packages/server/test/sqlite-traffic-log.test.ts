import { afterEach, describe, expect, it } from 'vitest';
import { storage } from '../src/sqlite/sqlite-storage.js';
import { makeRecord } from './support/records.js';
import { makeTempDir } from './support/temp-dir.js';

describe('SqliteTrafficLog', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function openLog() {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const log = await storage.trafficLog({ dataDir: temp.dir, sync: 'full' });
    cleanups.push(() => log.close());
    return { log, dir: temp.dir };
  }

  it('appends with consecutive seqs and reads back in order after a seq', async () => {
    const { log } = await openLog();
    const first = await log.append([makeRecord({ path: '/a' }), makeRecord({ path: '/b' })]);
    const second = await log.append([makeRecord({ path: '/c' })]);
    expect(first).toEqual({ firstSeq: 1, lastSeq: 2 });
    expect(second).toEqual({ firstSeq: 3, lastSeq: 3 });
    const after1 = await log.readAfter(1, 10);
    expect(after1.map((item) => [item.seq, item.record.path])).toEqual([
      [2, '/b'],
      [3, '/c'],
    ]);
    expect(after1[0]?.record).toEqual(makeRecord({ path: '/b' }));
    expect(await log.readAfter(0, 1)).toHaveLength(1);
    expect(await log.headSeq()).toBe(3);
  });

  it('prunes only whole processed segments older than the window, and never reuses seqs', async () => {
    const { log, dir } = await openLog();
    await log.append([makeRecord(), makeRecord()]); // seqs 1-2
    await log.append([makeRecord()]); // seq 3
    await log.append([makeRecord(), makeRecord()]); // seqs 4-5
    expect(await log.pruneProcessed({ processedUpTo: 4, receivedBefore: 0, limit: 100 })).toBe(0);
    // Seq 4 is processed but 5 is not: the last segment stays.
    expect(
      await log.pruneProcessed({ processedUpTo: 4, receivedBefore: Date.now() + 1000, limit: 100 }),
    ).toBe(2);
    expect((await log.readAfter(0, 10)).map((item) => item.seq)).toEqual([4, 5]);
    expect(await log.count()).toBe(2);
    await log.pruneProcessed({ processedUpTo: 5, receivedBefore: Date.now() + 1000, limit: 100 });
    expect(await log.count()).toBe(0);
    expect(await log.headSeq()).toBe(5);
    await log.close();
    const reopened = await storage.trafficLog({ dataDir: dir, sync: 'full' });
    cleanups.push(() => reopened.close());
    expect(await reopened.append([makeRecord()])).toEqual({ firstSeq: 6, lastSeq: 6 });
  });

  it('prunes in chunks of at most `limit` segments, oldest first', async () => {
    const { log } = await openLog();
    for (let i = 0; i < 5; i++) await log.append([makeRecord(), makeRecord()]); // seqs 1-10
    const cutoff = Date.now() + 1000;
    expect(await log.pruneProcessed({ processedUpTo: 10, receivedBefore: cutoff, limit: 2 })).toBe(2);
    expect((await log.readAfter(0, 1))[0]?.seq).toBe(5);
    expect(await log.pruneProcessed({ processedUpTo: 10, receivedBefore: cutoff, limit: 2 })).toBe(2);
    // The oldest left (seqs 9-10) is not processed: nothing goes, and nothing after it.
    expect(await log.pruneProcessed({ processedUpTo: 8, receivedBefore: cutoff, limit: 2 })).toBe(0);
    expect(await log.count()).toBe(2);
    expect(await log.pruneProcessed({ processedUpTo: 10, receivedBefore: cutoff, limit: 2 })).toBe(1);
    expect(await log.count()).toBe(0);
  });

  it('reads across and inside segments without exceeding the limit', async () => {
    const { log } = await openLog();
    for (let i = 0; i < 30; i++) {
      await log.append(Array.from({ length: 7 }, (_, j) => makeRecord({ path: `/r${i * 7 + j + 1}` })));
    }
    let after = 0;
    const seen: number[] = [];
    for (;;) {
      const batch = await log.readAfter(after, 20);
      if (batch.length === 0) break;
      expect(batch.length).toBeLessThanOrEqual(20);
      for (const item of batch) {
        expect(item.record.path).toBe(`/r${item.seq}`);
        seen.push(item.seq);
      }
      after = batch.at(-1)!.seq;
    }
    expect(seen).toEqual(Array.from({ length: 210 }, (_, i) => i + 1));
  });
});
