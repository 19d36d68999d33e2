/**
 * The log is stored in segments: one row per append (one group commit), holding its records as a
 * JSON array. One 100 KB row costs far less to insert than a hundred 1 KB rows, and seqs stay
 * per record: a segment covers `first_seq..last_seq`.
 */
export interface TrafficSegmentsTable {
  first_seq: number;
  last_seq: number;
  /** Epoch milliseconds when the segment was stored; drives retention. */
  received_at: number;
  /** JSON array of decoded `TrafficRecord`s, in seq order. */
  records: string;
}

export interface TrafficLogDatabase {
  traffic_segments: TrafficSegmentsTable;
  traffic_meta: { key: string; value: number };
}

export const TRAFFIC_LOG_DDL = `
CREATE TABLE IF NOT EXISTS traffic_segments (
  first_seq INTEGER PRIMARY KEY,
  last_seq INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  records TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS traffic_segments_by_last ON traffic_segments (last_seq);
CREATE TABLE IF NOT EXISTS traffic_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO traffic_meta (key, value) VALUES ('head_seq', 0);
`;
