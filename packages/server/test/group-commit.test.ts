import type { TrafficRecord } from '@tapline/contracts';
import { describe, expect, it } from 'vitest';
import { GroupCommitter } from '../src/ingest/group-commit.js';
import type { TrafficLog } from '../src/log/traffic-log.js';
import { makeRecord } from './support/records.js';

/** Counts transactions; everything else is irrelevant here. */
function countingLog(): TrafficLog & { appends: number[]; failNext: boolean } {
  let seq = 0;
  const log = {
    appends: [] as number[],
    failNext: false,
    async append(records: readonly TrafficRecord[]) {
      if (log.failNext) {
        log.failNext = false;
        throw new Error('disk full');
      }
      log.appends.push(records.length);
      const firstSeq = seq + 1;
      seq += records.length;
      return { firstSeq, lastSeq: seq };
    },
    readAfter: async () => [],
    headSeq: async () => seq,
    pruneProcessed: async () => 0,
    count: async () => 0,
    close: async () => {},
  };
  return log;
}

describe('GroupCommitter', () => {
  it('coalesces concurrent appends into one transaction and gives each caller its own range', async () => {
    const log = countingLog();
    let committed = 0;
    const committer = new GroupCommitter(log, (lastSeq) => {
      committed = lastSeq;
    });
    const results = await Promise.all([
      committer.append([makeRecord(), makeRecord()]),
      committer.append([makeRecord()]),
      committer.append([makeRecord(), makeRecord(), makeRecord()]),
    ]);
    expect(log.appends).toEqual([6]);
    expect(results).toEqual([
      { firstSeq: 1, lastSeq: 2 },
      { firstSeq: 3, lastSeq: 3 },
      { firstSeq: 4, lastSeq: 6 },
    ]);
    expect(committed).toBe(6);
  });

  it('rejects every caller of a failed transaction and keeps working afterwards', async () => {
    const log = countingLog();
    const committer = new GroupCommitter(log, () => {});
    log.failNext = true;
    const failed = await Promise.allSettled([
      committer.append([makeRecord()]),
      committer.append([makeRecord()]),
    ]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await expect(committer.append([makeRecord()])).resolves.toEqual({ firstSeq: 1, lastSeq: 1 });
    await committer.drain();
  });
});
