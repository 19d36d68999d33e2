import type { TrafficRecord } from '@tapline/contracts';
import { collectionKeyOf } from '@tapline/inventory';

/**
 * FNV-1a (32-bit) over the UTF-8 bytes of the collection key. Part of the stored data's meaning:
 * changing it (or the partition count) would split a collection across partitions, so both are fixed.
 */
export function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  const bytes = Buffer.from(key, 'utf8');
  for (let i = 0; i < bytes.length; i += 1) {
    hash ^= bytes[i]!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** One collection is always in one partition, so one worker sees all of its records in order. */
export function partitionOf(record: TrafficRecord, partitions: number): number {
  return hashKey(collectionKeyOf(record).key) % partitions;
}

export function partitionSubject(stream: string, partition: number): string {
  return `${stream}.p.${partition}`;
}
