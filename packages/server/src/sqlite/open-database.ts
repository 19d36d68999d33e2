import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { SyncLevel } from '../config.js';
import { ServerError, ServerErrorCode } from '../errors.js';

/** The traffic log and the inventory live in separate files so the ingest writer and the engine never share a write lock (except for pruning). */
export const TRAFFIC_DB_FILE = 'traffic.db';
export const INVENTORY_DB_FILE = 'inventory.db';

export interface OpenedDatabase<Schema> {
  sqlite: Database.Database;
  db: Kysely<Schema>;
  /** Closes Kysely and the connection (Kysely alone leaves it open if it never ran a query). */
  close(): Promise<void>;
}

export function databasePath(dataDir: string, file: string): string {
  return join(dataDir, file);
}

/**
 * `mkdirSync(dir, { recursive: true })`, one level at a time: Node's recursive mkdir never returns on a
 * file system that answers ENOENT under an existing parent (`/proc/x`), where this throws that error.
 */
function makeDirectory(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeDirectory(parent);
  try {
    mkdirSync(dir);
  } catch (error) {
    // The other store may create it at the same moment.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** Opens one SQLite file in WAL mode with the chosen durability level. */
export function openDatabase<Schema>(
  dataDir: string,
  file: string,
  sync: SyncLevel,
  options: { readonly?: boolean } = {},
): OpenedDatabase<Schema> {
  try {
    makeDirectory(dataDir);
    const sqlite = new Database(databasePath(dataDir, file), { readonly: options.readonly === true });
    if (options.readonly !== true) sqlite.pragma('journal_mode = WAL');
    sqlite.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
    // The other connection may hold the single write lock for a moment (a commit or a prune chunk).
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('foreign_keys = OFF');
    // An INSERT OR REPLACE then fires the delete triggers of the row it replaces, so the counts those
    // triggers keep (store/inventory-counters.ts, collection-counts.ts) stay exact whichever conflict
    // clause a write uses.
    sqlite.pragma('recursive_triggers = ON');
    sqlite.pragma('cache_size = -32000');
    const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
    const close = async () => {
      await db.destroy();
      if (sqlite.open) sqlite.close();
    };
    return { sqlite, db, close };
  } catch (error) {
    throw new ServerError(
      ServerErrorCode.Storage,
      `cannot open ${databasePath(dataDir, file)}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
}
