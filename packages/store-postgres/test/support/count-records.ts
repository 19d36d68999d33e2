import type { LoggedRecord } from '@tapline/inventory';
import { collectionKeyOf } from '@tapline/inventory';
import type { CoordinationDatabase } from '@tapline/store-postgres';
import { sql, type Transaction } from 'kysely';

/** The test's stand-in for the inventory's aggregates: calls per collection. */
export interface CountsDatabase extends CoordinationDatabase {
  counts: { collection: string; n: number };
}

export const COUNTS_DDL = sql`CREATE TABLE counts (collection text PRIMARY KEY, n bigint NOT NULL)`;

export async function applyCounts(trx: Transaction<CountsDatabase>, records: LoggedRecord[]): Promise<void> {
  const byCollection = new Map<string, number>();
  for (const r of records) {
    const key = collectionKeyOf(r.record).key;
    byCollection.set(key, (byCollection.get(key) ?? 0) + 1);
  }
  for (const [collection, by] of byCollection)
    await trx
      .insertInto('counts')
      .values({ collection, n: by })
      .onConflict((c) => c.column('collection').doUpdateSet((eb) => ({ n: eb('counts.n', '+', by) })))
      .execute();
}
