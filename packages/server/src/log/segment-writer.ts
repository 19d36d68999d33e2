import type Database from 'better-sqlite3';

export interface SeqRange {
  firstSeq: number;
  lastSeq: number;
}

/** Appends one segment (a JSON array of `count` records) in its own transaction; returns its seqs. */
export type AppendSegment = (recordsJson: string, count: number, receivedAt: number) => SeqRange;

/**
 * The ingest hot path: one synchronous transaction on prepared statements (Kysely's async pipeline
 * would cost more than the insert itself). Reading the head inside the transaction keeps seqs right
 * even if another connection appended.
 */
export function createSegmentWriter(sqlite: Database.Database): AppendSegment {
  const head = sqlite.prepare<[], { value: number }>("SELECT value FROM traffic_meta WHERE key = 'head_seq'");
  const insert = sqlite.prepare<[number, number, number, string]>(
    'INSERT INTO traffic_segments (first_seq, last_seq, received_at, records) VALUES (?, ?, ?, ?)',
  );
  const setHead = sqlite.prepare<[number]>("UPDATE traffic_meta SET value = ? WHERE key = 'head_seq'");
  const append = sqlite.transaction((recordsJson: string, count: number, receivedAt: number) => {
    const firstSeq = (head.get()?.value ?? 0) + 1;
    const lastSeq = firstSeq + count - 1;
    insert.run(firstSeq, lastSeq, receivedAt, recordsJson);
    setHead.run(lastSeq);
    return { firstSeq, lastSeq };
  });
  // BEGIN IMMEDIATE: take the write lock up front, so two writers never deadlock on an upgrade.
  return append.immediate;
}
