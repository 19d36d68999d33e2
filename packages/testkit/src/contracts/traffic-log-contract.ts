import type { TrafficLog } from '@tapline/server';
import { describe, expect, it } from 'vitest';
import { trafficRecord } from '../traffic-records.js';
import { type DurableLog, durableLogContract } from './durable-log-contract.js';
import { type FreshStorage, freshStorageForEachTest } from './storage-under-test.js';

/** A single-ordered `TrafficLog` as a `DurableLog` of one partition. */
function asDurableLog(log: TrafficLog): DurableLog {
  return {
    partitions: 1,
    partitionOf: () => 0,
    append: async (records) => {
      const { firstSeq } = await log.append(records);
      return records.map((_, i) => firstSeq + i);
    },
    readAfter: (afterSeq, limit) => log.readAfter(afterSeq, limit),
    headSeq: () => log.headSeq(),
    close: () => log.close(),
  };
}

/**
 * What every implementation of the server's `TrafficLog` port (a single-ordered log: consecutive seqs,
 * pruning by the reader's checkpoint) must do: the common `durableLogContract`, and the cases of this
 * kind of log. Run it with a factory for fresh, empty logs.
 */
export function trafficLogContract(name: string, fresh: FreshStorage<TrafficLog>): void {
  durableLogContract(name, async () => {
    const storage = await fresh();
    return { open: async () => asDurableLog(await storage.open()), destroy: () => storage.destroy() };
  });
  describe(`TrafficLog contract (single-ordered log): ${name}`, () => {
    const begin = freshStorageForEachTest(fresh);
    const start = async () => {
      const { open, first } = await begin();
      return { open, log: first };
    };
    const records = (n: number, from = 0) =>
      Array.from({ length: n }, (_, i) => trafficRecord({ path: `/items/${from + i}` }));

    it('gives consecutive seqs per append and reads them back in order, at most `limit`', async () => {
      const { log } = await start();
      expect(await log.headSeq()).toBe(0);
      expect(await log.append(records(3))).toEqual({ firstSeq: 1, lastSeq: 3 });
      expect(await log.append(records(2, 3))).toEqual({ firstSeq: 4, lastSeq: 5 });
      const all = await log.readAfter(0, 100);
      expect(all.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(all.map((r) => r.record.path)).toEqual([
        '/items/0',
        '/items/1',
        '/items/2',
        '/items/3',
        '/items/4',
      ]);
      expect((await log.readAfter(2, 2)).map((r) => r.seq)).toEqual([3, 4]);
      expect(await log.readAfter(5, 10)).toEqual([]);
      expect(await log.headSeq()).toBe(5);
      expect(await log.count()).toBe(5);
    });

    it('keeps what an append resolved for across close and open', async () => {
      const { log, open } = await start();
      await log.append(records(4));
      await log.close();
      const again = await open();
      expect((await again.readAfter(0, 10)).map((r) => r.record.path)).toEqual([
        '/items/0',
        '/items/1',
        '/items/2',
        '/items/3',
      ]);
      expect(await again.append(records(1, 4))).toEqual({ firstSeq: 5, lastSeq: 5 });
    });

    it('prunes only processed records received before the cutoff, and keeps the head', async () => {
      const { log, open } = await start();
      for (let i = 0; i < 6; i++) await log.append(records(1, i));
      const cutoff = Date.now() + 1_000;
      expect(
        await log.pruneProcessed({ processedUpTo: 6, receivedBefore: Date.now() - 60_000, limit: 10 }),
      ).toBe(0);
      // An implementation may prune in coarser units than records, never past what it was allowed.
      await log.pruneProcessed({ processedUpTo: 4, receivedBefore: cutoff, limit: 10 });
      const kept = (await log.readAfter(0, 10)).map((r) => r.seq);
      expect(kept).toEqual(expect.arrayContaining([5, 6]));
      expect(kept).toEqual([...kept].sort((a, b) => a - b));
      for (let i = 0; i < 10 && (await log.count()) > 0; i++) {
        await log.pruneProcessed({ processedUpTo: 6, receivedBefore: cutoff, limit: 10 });
      }
      expect(await log.count()).toBe(0);
      await log.close();
      const again = await open();
      expect(await again.headSeq()).toBe(6);
      expect(await again.append(records(1))).toEqual({ firstSeq: 7, lastSeq: 7 });
    });
  });
}
