import { describe, expect, it } from 'vitest';
import { CrashIsolation, MAX_ATTEMPTS_PER_RECORD } from '../src/worker/crash-isolation.js';
import { Stage } from '../src/worker/work-position.js';

const BASE = { batchSize: 5_000, commitEvery: 50_000, maxLoadsPerStep: 1_000 };

describe('CrashIsolation', () => {
  it('a death on one known record counts against it; the second sets it aside', () => {
    const isolation = new CrashIsolation(BASE);
    expect(
      isolation.recordDeath({ stage: Stage.Applying, firstSeq: 42, lastSeq: 42 }, 'OOM'),
    ).toBeUndefined();
    expect(isolation.sizes()).toEqual(BASE);
    expect(isolation.recordDeath({ stage: Stage.Applying, firstSeq: 42, lastSeq: 42 }, 'OOM')).toBe(42);
    expect(isolation.isolated()).toEqual([
      [42, `the engine thread died ${MAX_ATTEMPTS_PER_RECORD} times on this record (OOM)`],
    ]);
    isolation.progressed(42);
    expect(isolation.isolated()).toEqual([]);
  });

  it('deaths with many records in play shrink the windows to one record, which the next death names', () => {
    const isolation = new CrashIsolation(BASE);
    let deaths = 0;
    let checkpoint = 100;
    // A commit of everything from the checkpoint up to where the engine got keeps dying.
    let setAside: number | undefined;
    while (setAside === undefined) {
      const window = isolation.sizes().commitEvery;
      const lastSeq = checkpoint + Math.min(window, 30_000);
      setAside = isolation.recordDeath({ stage: Stage.Committing, firstSeq: checkpoint + 1, lastSeq }, 'OOM');
      deaths++;
      expect(deaths).toBeLessThanOrEqual(6);
    }
    expect(setAside).toBe(101);
    expect(isolation.sizes()).toEqual({ batchSize: 1, commitEvery: 1, maxLoadsPerStep: 1 });
    // Past the records in play, the next thread works at full size again.
    checkpoint = 30_100;
    isolation.progressed(checkpoint);
    expect(isolation.sizes()).toEqual(BASE);
  });

  it('backs off while deaths repeat without progress, and resets on progress', () => {
    const isolation = new CrashIsolation(BASE);
    const idle = { stage: Stage.Idle, firstSeq: 0, lastSeq: 0 };
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map(() => {
      isolation.recordDeath(idle, 'exit code 1');
      return isolation.restartDelayMs();
    });
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    isolation.progressed(10);
    isolation.recordDeath(idle, 'exit code 1');
    expect(isolation.restartDelayMs()).toBe(1_000);
  });
});
