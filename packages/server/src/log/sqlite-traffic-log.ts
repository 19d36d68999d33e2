import type { TrafficRecord } from '@tapline/contracts';
import type { LoggedRecord } from '@tapline/inventory';
import { sql } from 'kysely';
import type { SyncLevel } from '../config.js';
import { openDatabase, TRAFFIC_DB_FILE } from '../sqlite/open-database.js';
import { type AppendSegment, createSegmentWriter } from './segment-writer.js';
import type { TrafficLog } from './traffic-log.js';
import { TRAFFIC_LOG_DDL, type TrafficLogDatabase } from './traffic-log-schema.js';

/** The durable traffic log on SQLite (see traffic-log-schema.ts for the segment layout). */
export class SqliteTrafficLog implements TrafficLog {
  private readonly opened;
  private readonly appendSegment: AppendSegment;

  private constructor(dataDir: string, sync: SyncLevel) {
    this.opened = openDatabase<TrafficLogDatabase>(dataDir, TRAFFIC_DB_FILE, sync);
    this.opened.sqlite.exec(TRAFFIC_LOG_DDL);
    this.appendSegment = createSegmentWriter(this.opened.sqlite);
  }

  static async open(dataDir: string, sync: SyncLevel): Promise<SqliteTrafficLog> {
    return new SqliteTrafficLog(dataDir, sync);
  }

  async append(records: readonly TrafficRecord[]): Promise<{ firstSeq: number; lastSeq: number }> {
    if (records.length === 0) return { firstSeq: 0, lastSeq: 0 };
    const recordsJson = JSON.stringify(records);
    const receivedAt = Date.now();
    return this.appendSegment(recordsJson, records.length, receivedAt);
  }

  async readAfter(afterSeq: number, limit: number): Promise<LoggedRecord[]> {
    const out: LoggedRecord[] = [];
    let cursor = afterSeq;
    while (out.length < limit) {
      const rows = await this.opened.db
        .selectFrom('traffic_segments')
        .select(['first_seq', 'records'])
        .where('last_seq', '>', cursor)
        .orderBy('last_seq')
        .limit(8)
        .execute();
      if (rows.length === 0) break;
      for (const row of rows) {
        const records = JSON.parse(row.records) as TrafficRecord[];
        for (let i = 0; i < records.length && out.length < limit; i++) {
          const seq = row.first_seq + i;
          if (seq > cursor) out.push({ seq, record: records[i]! });
        }
        if (out.length >= limit) break;
        cursor = row.first_seq + records.length - 1;
      }
    }
    return out;
  }

  async headSeq(): Promise<number> {
    const row = await this.opened.db
      .selectFrom('traffic_meta')
      .select('value')
      .where('key', '=', 'head_seq')
      .executeTakeFirst();
    return row?.value ?? 0;
  }

  async pruneProcessed(options: {
    processedUpTo: number;
    receivedBefore: number;
    limit: number;
  }): Promise<number> {
    // Whole segments only, in chunks, so the ingest writer never waits long for the lock. Seqs and receive
    // times grow together, so what may go is a prefix of the log: only the oldest `limit` segments are
    // looked at, and none when the oldest may not go (the common case), instead of every processed one.
    const oldest = await this.opened.db
      .selectFrom('traffic_segments')
      .select(['last_seq', 'received_at'])
      .orderBy('first_seq')
      .limit(1)
      .executeTakeFirst();
    if (
      oldest === undefined ||
      oldest.last_seq > options.processedUpTo ||
      oldest.received_at >= options.receivedBefore
    ) {
      return 0;
    }
    const result = await sql`DELETE FROM traffic_segments WHERE first_seq IN (
      SELECT first_seq FROM (
        SELECT first_seq, last_seq, received_at FROM traffic_segments ORDER BY first_seq LIMIT ${options.limit})
      WHERE last_seq <= ${options.processedUpTo} AND received_at < ${options.receivedBefore})`.execute(
      this.opened.db,
    );
    return Number(result.numAffectedRows ?? 0n);
  }

  /** Records currently stored (not yet pruned). */
  async count(): Promise<number> {
    const row = await this.opened.db
      .selectFrom('traffic_segments')
      .select(sql<number>`COALESCE(SUM(last_seq - first_seq + 1), 0)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async close(): Promise<void> {
    await this.opened.close();
  }
}
