import type { HourlyCount } from '../api/types.js';

export const HOUR = 3600;
/** The chart covers at most the last two weeks of hours. */
const MAX_HOURS = 14 * 24;

/** Hourly buckets from the first to the last hour seen, empty hours as zero, so gaps show as gaps. */
export function fillHours(hourly: readonly HourlyCount[]): [number[], number[]] {
  const points = hourly
    .map((h) => [Math.floor(new Date(h.hour).getTime() / 1000 / HOUR) * HOUR, h.calls] as const)
    .filter(([t]) => Number.isFinite(t));
  if (points.length === 0) return [[], []];
  const byHour = new Map<number, number>();
  for (const [t, calls] of points) byHour.set(t, (byHour.get(t) ?? 0) + calls);
  const last = Math.max(...byHour.keys());
  const first = Math.max(Math.min(...byHour.keys()), last - (MAX_HOURS - 1) * HOUR);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let t = first; t <= last; t += HOUR) {
    xs.push(t);
    ys.push(byHour.get(t) ?? 0);
  }
  return [xs, ys];
}
