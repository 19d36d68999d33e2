/**
 * Rows of "how each endpoint performs": what records with `performance` (handler duration, cold start,
 * outcome) and `lambdaFunction` add up to. Like every aggregate they are absolute values, so re-writing a
 * row is idempotent.
 */

/** Counters and quantiles of the handler duration; `errors` counts outcomes other than `ok`. */
export interface PerformanceSummary {
  /** Records that carried performance. */
  invocations: number;
  /** `function_error` and `timeout` outcomes. */
  errors: number;
  timeouts: number;
  coldStarts: number;
  /** Quantiles of `durationMs` from the sketch (within 1 % of the true value). */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface PerformanceFigures extends PerformanceSummary {
  /** DDSketch of `durationMs`, protobuf form (`@datadog/sketches-js` `toProto`), canonical. */
  sketch: Uint8Array;
}

export interface EndpointPerformanceRow extends PerformanceFigures {
  endpointId: string;
  /** Start of the newest hour a record of the endpoint carried performance for (epoch seconds). */
  newestHour: number;
}

export interface HourlyPerformanceRow extends PerformanceFigures {
  endpointId: string;
  /** Epoch seconds at the start of the hour. */
  hour: number;
}

/** A collection's: each invocation counted once, however many of its endpoints it touched. */
export interface CollectionPerformanceRow extends PerformanceFigures {
  collectionId: string;
}

export interface FunctionCalls {
  name: string;
  /** Version or alias the caller invoked; null when the record named none. */
  qualifier: string | null;
  calls: number;
  /** Epoch seconds of the latest call (decides which entry leaves a full list). */
  lastSeen: number;
}

export interface EndpointFunctionsRow {
  endpointId: string;
  /** At most `MAX_FUNCTIONS_PER_ENDPOINT`, in the order first seen. */
  functions: FunctionCalls[];
  /** Calls of functions that left the list or never got into it. */
  otherCalls: number;
}

/** Everything about performance, as loaded, snapshotted or changed (upserts of full rows). */
export interface PerformanceRows {
  endpoints: EndpointPerformanceRow[];
  hourly: HourlyPerformanceRow[];
  collections: CollectionPerformanceRow[];
  functions: EndpointFunctionsRow[];
}

/**
 * Hours of an endpoint still open to new records: those within this many hours of the endpoint's newest
 * hour. Older hours are final (kept in the store, not in memory); a record that late counts in the
 * endpoint's and collection's totals only. Bounds the sketches in memory to 24 per endpoint.
 */
export const PERFORMANCE_OPEN_HOURS = 24;

/**
 * Per endpoint. A function's versions and aliases (`live`, `canary`, a version per deployment) that
 * served one endpoint recently fit many times over; beyond it the least recently seen entry leaves the
 * list and its calls go to `otherCalls`, so the current deployment always shows.
 */
export const MAX_FUNCTIONS_PER_ENDPOINT = 20;

export function emptyPerformanceRows(): PerformanceRows {
  return { endpoints: [], hourly: [], collections: [], functions: [] };
}

/** Whether an hourly row is still open, given its endpoint's newest hour. */
export function isOpenHour(hour: number, newestHour: number): boolean {
  return hour > newestHour - PERFORMANCE_OPEN_HOURS * 3600;
}
