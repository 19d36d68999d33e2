import { type InventoryChanges, PERFORMANCE_OPEN_HOURS, type PerformanceRows } from '@tapline/inventory';
import type Database from 'better-sqlite3';
import {
  collectionPerformanceFromDb,
  endpointPerformanceFromDb,
  FIGURE_COLUMNS,
  figureValues,
  functionsFromDb,
  hourlyPerformanceFromDb,
} from './performance-row-mapping.js';
import type { PerformanceDatabase } from './performance-schema.js';

function upsert(table: string, keys: readonly string[], others: readonly string[]): string {
  const columns = [...keys, ...others];
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
    ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${others.map((c) => `${c} = excluded.${c}`).join(', ')}`;
}

/**
 * The performance rows' part of the SQLite store's commit and load, as prepared statements run inside the
 * store's own transactions (`commit` and `load` are called from within them).
 */
export function sqlitePerformanceRows(sqlite: Database.Database): {
  commit(changes: InventoryChanges): void;
  /** `ids`: the JSON array of collection ids; hourly rows of the open hours only. */
  load(ids: string): PerformanceRows;
  loadAll(): PerformanceRows;
} {
  const write = {
    endpoint: sqlite.prepare(
      upsert('endpoint_performance', ['endpoint_id'], ['newest_hour', ...FIGURE_COLUMNS]),
    ),
    hourly: sqlite.prepare(upsert('endpoint_performance_hourly', ['endpoint_id', 'hour'], FIGURE_COLUMNS)),
    collection: sqlite.prepare(upsert('collection_performance', ['collection_id'], FIGURE_COLUMNS)),
    functions: sqlite.prepare(upsert('endpoint_functions', ['endpoint_id'], ['functions', 'other_calls'])),
    remove: [
      sqlite.prepare('DELETE FROM endpoint_performance WHERE endpoint_id = ?'),
      sqlite.prepare('DELETE FROM endpoint_performance_hourly WHERE endpoint_id = ?'),
      sqlite.prepare('DELETE FROM endpoint_functions WHERE endpoint_id = ?'),
    ],
  };
  const ids = 'SELECT value FROM json_each(?)';
  const inCollections = `SELECT id FROM endpoints WHERE collection_id IN (${ids})`;
  const read = {
    endpoints: sqlite.prepare(`SELECT * FROM endpoint_performance WHERE endpoint_id IN (${inCollections})`),
    hourly: sqlite.prepare(
      `SELECT h.* FROM endpoint_performance_hourly h
       JOIN endpoint_performance p ON p.endpoint_id = h.endpoint_id
       WHERE h.endpoint_id IN (${inCollections}) AND h.hour > p.newest_hour - ?`,
    ),
    collections: sqlite.prepare(`SELECT * FROM collection_performance WHERE collection_id IN (${ids})`),
    functions: sqlite.prepare(`SELECT * FROM endpoint_functions WHERE endpoint_id IN (${inCollections})`),
  };
  const all = {
    endpoints: sqlite.prepare('SELECT * FROM endpoint_performance'),
    hourly: sqlite.prepare('SELECT * FROM endpoint_performance_hourly'),
    collections: sqlite.prepare('SELECT * FROM collection_performance'),
    functions: sqlite.prepare('SELECT * FROM endpoint_functions'),
  };
  type Row<T extends keyof PerformanceDatabase> = PerformanceDatabase[T];
  const rows = (
    endpoints: unknown[],
    hourly: unknown[],
    collections: unknown[],
    functions: unknown[],
  ): PerformanceRows => ({
    endpoints: (endpoints as Row<'endpoint_performance'>[]).map(endpointPerformanceFromDb),
    hourly: (hourly as Row<'endpoint_performance_hourly'>[]).map(hourlyPerformanceFromDb),
    collections: (collections as Row<'collection_performance'>[]).map(collectionPerformanceFromDb),
    functions: (functions as Row<'endpoint_functions'>[]).map(functionsFromDb),
  });
  return {
    commit(changes) {
      for (const id of changes.removedEndpointIds) for (const statement of write.remove) statement.run(id);
      const perf = changes.performance;
      for (const r of perf.endpoints) write.endpoint.run(r.endpointId, r.newestHour, ...figureValues(r));
      for (const r of perf.hourly) write.hourly.run(r.endpointId, r.hour, ...figureValues(r));
      for (const r of perf.collections) write.collection.run(r.collectionId, ...figureValues(r));
      for (const r of perf.functions)
        write.functions.run(r.endpointId, JSON.stringify(r.functions), r.otherCalls);
    },
    load(list) {
      return rows(
        read.endpoints.all(list),
        read.hourly.all(list, PERFORMANCE_OPEN_HOURS * 3600),
        read.collections.all(list),
        read.functions.all(list),
      );
    },
    loadAll() {
      return rows(all.endpoints.all(), all.hourly.all(), all.collections.all(), all.functions.all());
    },
  };
}
