import type { MetricSample } from '@tapline/server';

/** The last end-to-end delays (stored in the stream → committed in PostgreSQL), for quantiles on /metrics. */
export class DelayWindow {
  private readonly values: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(size = 20_000) {
    this.values = new Float64Array(size);
  }

  add(ms: number): void {
    this.values[this.next] = ms;
    this.next = (this.next + 1) % this.values.length;
    this.filled = Math.min(this.filled + 1, this.values.length);
  }

  /** Quantiles in seconds over the window (0 when empty). */
  quantiles(qs: readonly number[]): { q: number; seconds: number }[] {
    const sorted = this.values.slice(0, this.filled).sort();
    return qs.map((q) => ({
      q,
      seconds:
        sorted.length === 0
          ? 0
          : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) / 1000,
    }));
  }
}

export interface WorkerGauges {
  owned: number;
  commits: number;
  applied: number;
  skipped: number;
  leaseLost: number;
  errors: number;
  /** Records of the owned partitions not yet acknowledged. */
  lag: number;
}

export function workerMetricSamples(gauges: WorkerGauges, delays: DelayWindow): MetricSample[] {
  return [
    {
      name: 'tapline_worker_owned_partitions',
      type: 'gauge',
      help: 'Partitions this worker owns.',
      value: gauges.owned,
    },
    {
      name: 'tapline_worker_commits_total',
      type: 'counter',
      help: 'Partition transactions committed.',
      value: gauges.commits,
    },
    {
      name: 'tapline_worker_records_applied_total',
      type: 'counter',
      help: 'Records applied to the inventory.',
      value: gauges.applied,
    },
    {
      name: 'tapline_worker_records_skipped_total',
      type: 'counter',
      help: 'Redelivered records skipped because their partition checkpoint already covers them.',
      value: gauges.skipped,
    },
    {
      name: 'tapline_worker_lease_lost_total',
      type: 'counter',
      help: 'Commits refused because the partition moved.',
      value: gauges.leaseLost,
    },
    {
      name: 'tapline_worker_errors_total',
      type: 'counter',
      help: 'Failed partition steps (retried from the checkpoint).',
      value: gauges.errors,
    },
    {
      name: 'tapline_worker_lag_records',
      type: 'gauge',
      help: 'Records of the owned partitions not yet acknowledged (polled every 2 s).',
      value: gauges.lag,
    },
    {
      name: 'tapline_worker_end_to_end_seconds',
      type: 'gauge',
      help: 'Delay from JetStream storing a record to its commit in PostgreSQL, over the last 20,000 records.',
      labelled: delays
        .quantiles([0.5, 0.9, 0.99])
        .map(({ q, seconds }) => ({ labels: `quantile="${q}"`, value: seconds })),
    },
  ];
}
