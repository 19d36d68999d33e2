import { type QueryExecutorProvider, sql } from 'kysely';
import type { FigureColumns } from './performance-columns.js';

/** Tables of "how each endpoint performs" (separate from the inventory's own tables). */
export interface PerformanceDatabase {
  endpoint_performance: FigureColumns & { endpoint_id: string; newest_hour: number };
  endpoint_performance_hourly: FigureColumns & { endpoint_id: string; hour: number };
  collection_performance: FigureColumns & { collection_id: string };
  /** The endpoint's functions as one JSON array (bounded): one row write per changed endpoint. */
  endpoint_functions: { endpoint_id: string; functions: string; other_calls: number };
}

const FIGURES = `invocations INTEGER NOT NULL, errors INTEGER NOT NULL, timeouts INTEGER NOT NULL,
  cold_starts INTEGER NOT NULL, p50_ms REAL NOT NULL, p95_ms REAL NOT NULL, p99_ms REAL NOT NULL,
  sketch BLOB NOT NULL`;

const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS endpoint_performance (
    endpoint_id TEXT PRIMARY KEY, newest_hour INTEGER NOT NULL, ${FIGURES})`,
  `CREATE TABLE IF NOT EXISTS endpoint_performance_hourly (
    endpoint_id TEXT NOT NULL, hour INTEGER NOT NULL, ${FIGURES}, PRIMARY KEY (endpoint_id, hour))`,
  `CREATE TABLE IF NOT EXISTS collection_performance (collection_id TEXT PRIMARY KEY, ${FIGURES})`,
  `CREATE TABLE IF NOT EXISTS endpoint_functions (
    endpoint_id TEXT PRIMARY KEY, functions TEXT NOT NULL, other_calls INTEGER NOT NULL)`,
];

/** Creates the performance tables (idempotent); runs inside the inventory's migration transaction. */
export async function migratePerformance(db: QueryExecutorProvider): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
