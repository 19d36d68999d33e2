import type { HourlyPerformance, LambdaFunction, Performance } from '../api/types.js';
import { formatDateTime, formatNumber } from '../lib/format.js';
import { formatFigure, PERFORMANCE_COLUMNS, PerformanceCells } from './performance-cells.js';

/** An endpoint's handler time quantiles and rates, or why there are none. */
export function PerformanceFacts({ performance }: { performance: Performance | null }) {
  if (performance === null) {
    return (
      <p className="muted" data-testid="no-performance">
        No record carried the handler's time (Tapline's Lambda extension measures it).
      </p>
    );
  }
  return (
    <dl className="facts" data-testid="performance-facts">
      {PERFORMANCE_COLUMNS.map((c) => (
        <div key={c.key}>
          <dt>{c.label}</dt>
          <dd data-testid={`fact-${c.key}`}>{formatFigure(performance, c.key)}</dd>
        </div>
      ))}
      <div>
        <dt>Invocations</dt>
        <dd>{formatNumber(performance.invocations)}</dd>
      </div>
    </dl>
  );
}

/** The hours shown: the most recent day. */
const HOURS_SHOWN = 24;

/** Per hour, newest first. */
export function HourlyPerformanceTable({ hourly }: { hourly: readonly HourlyPerformance[] }) {
  if (hourly.length === 0) return null;
  const newestFirst = [...hourly].sort((a, b) => b.hour.localeCompare(a.hour)).slice(0, HOURS_SHOWN);
  return (
    <table className="table" data-testid="hourly-performance">
      <thead>
        <tr>
          <th>Hour</th>
          <th className="num">Invocations</th>
          {PERFORMANCE_COLUMNS.map((c) => (
            <th key={c.key} className="num">
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {newestFirst.map((h) => (
          <tr key={h.hour}>
            <td className="nowrap">{formatDateTime(h.hour)}</td>
            <td className="num">{formatNumber(h.invocations)}</td>
            <PerformanceCells performance={h} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The functions (and version or alias) that served the endpoint, most calls first. */
export function FunctionsTable({
  functions,
  otherCalls,
}: {
  functions: readonly LambdaFunction[];
  otherCalls: number;
}) {
  if (functions.length === 0) return <p className="muted">No record named the function that served it.</p>;
  return (
    <table className="table" data-testid="functions-table">
      <thead>
        <tr>
          <th>Function</th>
          <th>Version or alias</th>
          <th className="num">Calls</th>
        </tr>
      </thead>
      <tbody>
        {functions.map((f) => (
          <tr key={`${f.name}:${f.qualifier ?? ''}`} data-testid="function-row">
            <td className="mono">{f.name}</td>
            <td className="mono">{f.qualifier ?? <span className="muted">unqualified</span>}</td>
            <td className="num">{formatNumber(f.calls)}</td>
          </tr>
        ))}
        {otherCalls > 0 && (
          <tr>
            <td className="muted" colSpan={2}>
              other functions
            </td>
            <td className="num">{formatNumber(otherCalls)}</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
