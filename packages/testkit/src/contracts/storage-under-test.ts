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
