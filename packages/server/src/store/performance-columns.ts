import type { PerformanceFigures, PerformanceSummary } from '@tapline/inventory';

/**
 * The performance columns every inventory store uses (SQLite here, PostgreSQL in store-postgres), and
 * their mapping to the engine's rows, so both stores read them the same way.
 */
export interface FigureColumns {
  invocations: number;
  errors: number;
  timeouts: number;
  cold_starts: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  sketch: Uint8Array;
}

/** The summary columns (no sketch) of a performance table joined as `p`, for a typed select in either store. */
export const SUMMARY_COLUMNS_OF_P = [
  'p.invocations',
  'p.errors',
  'p.timeouts',
  'p.cold_starts',
  'p.p50_ms',
  'p.p95_ms',
  'p.p99_ms',
] as const;

/** The summary columns (no sketch) as a LEFT JOIN gives them: all null when no record carried performance. */
export type SummaryColumns = { [K in Exclude<keyof FigureColumns, 'sketch'>]: number | null };

export function figuresFromDb(row: FigureColumns): PerformanceFigures {
  return {
    invocations: row.invocations,
    errors: row.errors,
    timeouts: row.timeouts,
    coldStarts: row.cold_starts,
    p50Ms: row.p50_ms,
    p95Ms: row.p95_ms,
    p99Ms: row.p99_ms,
    // Both drivers hand back a Buffer: a Uint8Array view of the same bytes.
    sketch: new Uint8Array(row.sketch.buffer, row.sketch.byteOffset, row.sketch.byteLength),
  };
}

export function summaryFromDb(row: SummaryColumns): PerformanceSummary | null {
  if (row.invocations === null) return null;
  return {
    invocations: row.invocations,
    errors: row.errors ?? 0,
    timeouts: row.timeouts ?? 0,
    coldStarts: row.cold_starts ?? 0,
    p50Ms: row.p50_ms ?? 0,
    p95Ms: row.p95_ms ?? 0,
    p99Ms: row.p99_ms ?? 0,
  };
}
