import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../src/garbage-collector.js';

describe('collectGarbage', () => {
  it('collects without --expose-gc on the command line', () => {
    expect(process.execArgv.join(' ')).not.toContain('expose-gc');
    let garbage: object[] | undefined = Array.from({ length: 200_000 }, (_, i) => ({ i }));
    const before = process.memoryUsage().heapUsed;
    garbage = undefined;
    expect(garbage).toBeUndefined();
    expect(collectGarbage()).toBe(true);
    // 200k small objects are several MB: a full collection frees most of them.
    expect(process.memoryUsage().heapUsed).toBeLessThan(before - 2 * 1024 * 1024);
  });
});
