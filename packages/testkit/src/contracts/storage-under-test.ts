import { afterEach } from 'vitest';

/**
 * How a contract suite gets at one implementation: `open()` opens a connection to one storage (the same
 * storage every time, so closing and opening again shows what is durable); `destroy()` removes it.
 */
export interface StorageUnderTest<T> {
  open(): Promise<T>;
  destroy(): Promise<void>;
}

/** Makes a fresh, empty storage for one test. */
export type FreshStorage<T> = () => Promise<StorageUnderTest<T>>;

/**
 * For a suite's tests: `start()` makes a fresh storage and opens it once; `open()` opens it again. Call it
 * inside `describe`: every connection is closed and every storage destroyed after each test.
 */
export function freshStorageForEachTest<T extends { close(): Promise<void> }>(
  fresh: FreshStorage<T>,
): () => Promise<{ open: () => Promise<T>; first: T }> {
  const opened: { storage: StorageUnderTest<T>; connections: T[] }[] = [];
  afterEach(async () => {
    for (const { storage, connections } of opened.splice(0)) {
      for (const connection of connections) await connection.close().catch(() => {});
      await storage.destroy();
    }
  });
  return async () => {
    const storage = await fresh();
    const entry = { storage, connections: [] as T[] };
    opened.push(entry);
    const open = async () => {
      const connection = await storage.open();
      entry.connections.push(connection);
      return connection;
    };
    return { open, first: await open() };
  };
}
