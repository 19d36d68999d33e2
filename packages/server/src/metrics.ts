/** One more metric family from a part of the process (a worker's partitions, a publisher). */
export interface MetricSample {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  /** Absent: the family has only labelled samples. */
  value?: number;
  /** Extra samples of the same family, e.g. `{quantile="0.99"}` of a summary. */
  labelled?: { labels: string; value: number }[];
}

/** Process-local counters and gauges exported at `GET /metrics`. */
export class ServerMetrics {
  /** Further metrics, rendered after the built-in ones on every scrape. */
  readonly sources: (() => MetricSample[])[] = [];
  accepted = 0;
  /** Batches answered 503 because the log could not store them. */
  unavailable = 0;
  rejected = 0;
  /** Batches refused with 503 because the engine lagged. */
  throttled = 0;
  processed = 0;
  filtered = 0;
  headSeq = 0;
  checkpoint = 0;
  endpoints = 0;
  /** Errors reported by the inventory worker (the loop retries or skips the offending record). */
  workerErrors = 0;
  /** Records set aside because applying them killed the engine (totals from the store). */
  isolated = 0;
  callsOverEndpointCap = 0;
  valuesOverParameterCap = 0;
  workingSetBytes = 0;
  residentCollections = 0;

  get lag(): number {
    return Math.max(0, this.headSeq - this.checkpoint);
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const lines: string[] = [];
    const metric = (name: string, type: 'counter' | 'gauge', help: string, value: number) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
    };
    metric(
      'tapline_records_accepted_total',
      'counter',
      'Records durably stored by POST /api/ingestData.',
      this.accepted,
    );
    metric('tapline_records_rejected_total', 'counter', 'Records rejected as invalid.', this.rejected);
    metric(
      'tapline_batches_throttled_total',
      'counter',
      'Batches refused with 503 because the engine lagged.',
      this.throttled,
    );
    metric(
      'tapline_records_processed_total',
      'counter',
      'Records applied by the inventory engine.',
      this.processed,
    );
    metric(
      'tapline_records_filtered_total',
      'counter',
      'Processed records skipped by the inventory filters.',
      this.filtered,
    );
    metric(
      'tapline_inventory_lag_records',
      'gauge',
      'Stored records not yet applied by the engine.',
      this.lag,
    );
    metric('tapline_inventory_endpoints', 'gauge', 'Endpoints in the inventory.', this.endpoints);
    metric('tapline_traffic_log_head_seq', 'gauge', 'Seq of the last stored record.', this.headSeq);
    metric(
      'tapline_inventory_checkpoint_seq',
      'gauge',
      'Seq of the last record applied by the engine.',
      this.checkpoint,
    );
    metric(
      'tapline_inventory_errors_total',
      'counter',
      'Errors reported by the inventory worker.',
      this.workerErrors,
    );
    metric(
      'tapline_inventory_isolated_records_total',
      'counter',
      'Records set aside because applying them killed the engine on every attempt.',
      this.isolated,
    );
    metric(
      'tapline_inventory_calls_over_endpoint_cap_total',
      'counter',
      'Calls to endpoints not stored because their collection reached its endpoint cap.',
      this.callsOverEndpointCap,
    );
    metric(
      'tapline_inventory_values_over_parameter_cap_total',
      'counter',
      'Parameter values not stored because their endpoint reached its parameter cap.',
      this.valuesOverParameterCap,
    );
    metric(
      'tapline_engine_working_set_bytes',
      'gauge',
      "Estimated heap held by the engine's working set after the last commit.",
      this.workingSetBytes,
    );
    metric(
      'tapline_engine_resident_collections',
      'gauge',
      "Collections in the engine's working set after the last commit.",
      this.residentCollections,
    );
    metric(
      'tapline_ingest_unavailable_total',
      'counter',
      'Batches answered 503 because the traffic log could not store them.',
      this.unavailable,
    );
    // CPU of this process, for sizing each role (user + system).
    const cpu = process.cpuUsage();
    metric(
      'process_cpu_seconds_total',
      'counter',
      'User and system CPU time of this process in seconds.',
      (cpu.user + cpu.system) / 1e6,
    );
    for (const source of this.sources) {
      for (const sample of source()) {
        lines.push(`# HELP ${sample.name} ${sample.help}`, `# TYPE ${sample.name} ${sample.type}`);
        if (sample.value !== undefined) lines.push(`${sample.name} ${sample.value}`);
        for (const extra of sample.labelled ?? [])
          lines.push(`${sample.name}{${extra.labels}} ${extra.value}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
