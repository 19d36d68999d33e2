import type { Performance } from '../api/types.js';
import { formatMs, formatNumber, formatRate } from '../lib/format.js';

/** The columns of a performance summary, in table order. */
export const PERFORMANCE_COLUMNS = [
  { key: 'p50Ms', label: 'p50' },
  { key: 'p95Ms', label: 'p95' },
  { key: 'p99Ms', label: 'p99' },
  { key: 'errorRate', label: 'Errors' },
  { key: 'coldStartRate', label: 'Cold starts' },
] as const;
export type PerformanceColumn = (typeof PERFORMANCE_COLUMNS)[number]['key'];

export function formatFigure(performance: Performance, key: PerformanceColumn): string {
  const value = performance[key];
  return key === 'errorRate' || key === 'coldStartRate' ? formatRate(value) : formatMs(value);
}

/** One cell per performance column; a dash where no record carried performance. */
export function PerformanceCells({ performance }: { performance: Performance | null }) {
  return (
    <>
      {PERFORMANCE_COLUMNS.map(({ key }) => (
        <td
          key={key}
          className={
            key === 'errorRate' && performance !== null && performance.errorRate > 0 ? 'num perf-bad' : 'num'
          }
          data-testid={`perf-${key}`}
          title={
            performance === null
              ? 'no record carried the handler time'
              : `${formatNumber(performance.invocations)} invocations`
          }
        >
          {performance === null ? '–' : formatFigure(performance, key)}
        </td>
      ))}
    </>
  );
}
