import type { TrafficRecord } from '@tapline/contracts';
import type { LoggedRecord } from '@tapline/inventory';
import { describe, expect, it } from 'vitest';
import { trafficRecord } from '../traffic-records.js';
import { type FreshStorage, freshStorageForEachTest } from './storage-under-test.js';

/**
 * What every traffic log offers, whether it keeps one order (SQLite) or one order per partition
 * (JetStream): a single-ordered log is a log with one partition.
 */
export interface DurableLog {
  /** Resolves with one seq per record, only once all of them are durably stored. */
  append(records: readonly TrafficRecord[]): Promise<number[]>;
  /** Records with `seq > afterSeq` in seq order, at most `limit`, of one partition or of all. */
  readAfter(afterSeq: number, limit: number, partition?: number): Promise<LoggedRecord[]>;
  /** Seq of the last record appended, to one partition or to any (0 when none). */
  headSeq(partition?: number): Promise<number>;
  partitions: number;
  partitionOf(record: TrafficRecord): number;
  close(): Promise<void>;
}

const HOSTS = ['a.log.test', 'b.log.test', 'c.log.test', 'd.log.test', 'e.log.test'];

function batch(n: number, tag: string): TrafficRecord[] {
  return Array.from({ length: n }, (_, i) =>
    trafficRecord({ requestHeaders: { host: HOSTS[i % HOSTS.length] as string }, path: `/${tag}/${i}` }),
  );
}

const pathsOf = (rows: readonly { record: TrafficRecord }[]) => rows.map((r) => r.record.path);

/** The part of the traffic-log contract every implementation keeps; run it with a factory for fresh, empty logs. */
export function durableLogContract(name: string, fresh: FreshStorage<DurableLog>): void {
  describe(`traffic log contract (durable, ordered per partition): ${name}`, () => {
    const begin = freshStorageForEachTest(fresh);
    const start = async () => {
      const { open, first } = await begin();
      return { open, log: first };
    };

    it('gives each record an increasing seq and reads each partition back in append order', async () => {
      const { log } = await start();
      expect(await log.headSeq()).toBe(0);
      const appended = [...batch(12, 'one'), ...batch(8, 'two')];
      const seqs = [...(await log.append(appended.slice(0, 12))), ...(await log.append(appended.slice(12)))];
      expect(seqs).toHaveLength(20);
      expect(new Set(seqs).size).toBe(20);
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] as number);
      for (let p = 0; p < log.partitions; p++) {
        const mine = appended.map((record, i) => ({ record, seq: seqs[i] as number }));
        const expected = mine.filter((r) => log.partitionOf(r.record) === p);
        const got = await log.readAfter(0, 100, p);
        expect(got.map((r) => r.seq)).toEqual(expected.map((r) => r.seq));
        expect(pathsOf(got)).toEqual(pathsOf(expected));
        expect(await log.headSeq(p)).toBe(expected.at(-1)?.seq ?? 0);
      }
      const sorted = [...seqs].sort((a, b) => a - b);
      expect((await log.readAfter(0, 5)).map((r) => r.seq)).toEqual(sorted.slice(0, 5));
      expect((await log.readAfter(sorted[9] as number, 3)).map((r) => r.seq)).toEqual(sorted.slice(10, 13));
      expect(await log.readAfter(sorted.at(-1) as number, 10)).toEqual([]);
      expect(await log.headSeq()).toBe(sorted.at(-1));
    });

    it('keeps what an append resolved for across close and open, and goes on after it', async () => {
      const { log, open } = await start();
      const first = await log.append(batch(6, 'kept'));
      await log.close();
      const again = await open();
      expect(pathsOf(await again.readAfter(0, 100))).toEqual(batch(6, 'kept').map((r) => r.path));
      const next = await again.append(batch(1, 'after'));
      expect(next[0]).toBeGreaterThan(Math.max(...first));
      expect(await again.headSeq()).toBe(next[0]);
    });

    it('keeps each of two concurrent appends in its own order', async () => {
      const { log } = await start();
      const a = batch(20, 'a');
      const b = batch(20, 'b');
      await Promise.all([log.append(a), log.append(b)]);
      const all = await log.readAfter(0, 100);
      expect(all).toHaveLength(40);
      expect(pathsOf(all).filter((p) => p.startsWith('/a/'))).toEqual(a.map((r) => r.path));
      expect(pathsOf(all).filter((p) => p.startsWith('/b/'))).toEqual(b.map((r) => r.path));
    });
  });
}
