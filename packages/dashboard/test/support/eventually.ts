import { expect } from 'vitest';

/**
 * `expect.poll` with a timeout that suits a loaded 2-core machine (the default is 1 s): the browser, the
 * server and its inventory worker all share the CPU with other test files.
 */
export function eventually<T>(probe: () => T | Promise<T>, options: { timeout?: number } = {}) {
  return expect.poll(probe, { timeout: options.timeout ?? 10_000, interval: 100 });
}
