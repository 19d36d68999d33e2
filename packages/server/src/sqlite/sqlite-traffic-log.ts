import type { TrafficRecord } from '@tapline/contracts';
import type { LoggedRecord } from '@tapline/inventory';
import { sql } from 'kysely';
import type { SyncLevel } from '../config.js';
import type { TrafficLog } from '../ports.js';
import { openDatabase, TRAFFIC_DB_FILE } from './open-database.js';
import { TRAFFIC_LOG_DDL, type TrafficLogDatabase } from './traffic-log-schema.js';

/** The durable traffic log on SQLite (see traffic-log-schema.ts for the segment layout). */
export class SqliteTrafficLog implements TrafficLog {
  private readonly opened;
  private readonly appendSegment: (
    records: readonly TrafficRecord[],
    receivedAt: number,
  ) => {
    firstSeq: number;
    lastSeq: number;
  };

  private constructor(dataDir: string, sync: SyncLevel) {
    this.opened = openDatabase<TrafficLogDatabase>(dataDir, TRAFFIC_DB_FILE, sync);
    const { sqlite } = this.opened;
    sqlite.exec(TRAFFIC_LOG_DDL);
    const head = sqlite.prepare<[], { value: number }>(
      "SELECT value FROM traffic_meta WHERE key = 'head_seq'",
    );
    const insert = sqlite.prepare<[number, number, number, string]>(
      'INSERT INTO traffic_segments (first_seq, last_seq, received_at, records) VALUES (?, ?, ?, ?)',
    );
    const setHead = sqlite.prepare<[number]>("UPDATE traffic_meta SET value = ? WHERE key = 'head_seq'");
    // The ingest hot path is one synchronous transaction on prepared statements: Kysely's async
    // pipeline would cost more than the insert itself. Reading the head inside the transaction keeps
    // seqs right even if another process appended.
    const append = sqlite.transaction((records: readonly TrafficRecord[], receivedAt: number) => {
      const firstSeq = (head.get()?.value ?? 0) + 1;
      const lastSeq = firstSeq + records.length - 1;
      insert.run(firstSeq, lastSeq, receivedAt, JSON.stringify(records));
      setHead.run(lastSeq);
      return { firstSeq, lastSeq };
    });
    // BEGIN IMMEDIATE: take the write lock up front, so two writers never deadlock on an upgrade.
    this.appendSegment = append.immediate;
  }

  static async open(dataDir: string, sync: SyncLevel): Promise<SqliteTrafficLog> {
    return new SqliteTrafficLog(dataDir, sync);
  }

  async append(records: readonly TrafficRecord[]): Promise<{ firstSeq: number; lastSeq: number }> {
    if (records.length === 0) return { firstSeq: 0, lastSeq: 0 };
    return this.appendSegment(records, Date.now());
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
    // Whole segments only, in chunks, so the ingest writer never waits long for the lock.
    const result = await sql`DELETE FROM traffic_segments WHERE first_seq IN (
      SELECT first_seq FROM traffic_segments
      WHERE last_seq <= ${options.processedUpTo} AND received_at < ${options.receivedBefore}
      ORDER BY first_seq LIMIT ${options.limit})`.execute(this.opened.db);
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
