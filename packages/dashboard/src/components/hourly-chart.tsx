import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { HourlyCount } from '../api/types.js';
import { formatNumber } from '../lib/format.js';
import { fillHours, HOUR } from '../lib/hourly.js';

const X_INCREMENTS = [HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 2 * 24 * HOUR, 7 * 24 * HOUR];

/** Calls per hour as a bar chart (uPlot, canvas) with time and count axes. */
export function HourlyChart({ hourly }: { hourly: readonly HourlyCount[] }) {
  const boxRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [xs, ys] = fillHours(hourly);
  const key = JSON.stringify(hourly);

  useEffect(() => {
    const box = boxRef.current;
    if (box === null) return;
    const observer = new ResizeObserver(() => setWidth(Math.floor(box.clientWidth)));
    observer.observe(box);
    setWidth(Math.floor(box.clientWidth));
    return () => observer.disconnect();
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the data (xs, ys are derived from it).
  useEffect(() => {
    const box = boxRef.current;
    if (box === null || width === 0 || xs.length === 0) return;
    const bars = uPlot.paths.bars?.({ size: [0.7, 48], align: 0 });
    const plot = new uPlot(
      {
        width,
        height: 220,
        scales: {
          x: { time: true, range: (_u, min, max) => [min - HOUR / 2, max + HOUR / 2] },
          y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.15))] },
        },
        series: [
          { label: 'Hour' },
          {
            label: 'Calls',
            stroke: '#2563eb',
            fill: 'rgba(37, 99, 235, 0.35)',
            width: 1,
            ...(bars === undefined ? {} : { paths: bars }),
            points: { show: false },
          },
        ],
        axes: [
          // Ticks on whole hours (or coarser): the data has one point per hour.
          { grid: { show: false }, space: 70, incrs: X_INCREMENTS },
          { label: 'calls / hour', size: 60 },
        ],
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
      },
      [xs, ys],
      box,
    );
    return () => plot.destroy();
  }, [key, width]);

  const total = ys.reduce((a, b) => a + b, 0);
  return (
    <figure className="chart" data-testid="hourly-chart">
      <div ref={boxRef} className="chart-box" role="img" aria-label={`Calls per hour, ${xs.length} hours`} />
      <figcaption className="muted small">
        {xs.length === 0
          ? 'No calls recorded yet.'
          : `${formatNumber(total)} calls over ${xs.length} hour${xs.length === 1 ? '' : 's'} (peak ${formatNumber(Math.max(...ys))} / hour)`}
      </figcaption>
    </figure>
  );
}
