/**
 * The engine keeps only a working set of collections in memory: what recent records touched. These are
 * the estimates it budgets with. They are deliberately rough (measured heap per kind of row, rounded up):
 * the budget bounds memory by construction, the estimate only decides when to evict.
 */
import type { EndpointState, PendingSample } from './endpoint-state.js';
import type { SampleRow } from './inventory-types.js';

/** A collection's own state: its row, maps and caches. */
export const COLLECTION_BYTES = 2_048;
/** One endpoint without its parameters and samples: row, parameter buckets, hourly map, sibling keys. */
export const ENDPOINT_BYTES = 3_072;
/** One parameter: its row (id, arrays, examples) and its state. */
export const PARAMETER_BYTES = 768;
/** One sample besides its bodies and path: the objects, header maps and header text of a typical record. */
const SAMPLE_BASE_BYTES = 2_048;

/** Default working-set budget of `tapline serve` (well inside the engine thread's default 256 MB heap). */
export const DEFAULT_WORKING_SET_BYTES = 64 * 1024 * 1024;

/** Estimated heap held by one sample, pending (the record) or masked (the row). */
export function sampleBytes(sample: SampleRow | PendingSample): number {
  if ('pending' in sample) {
    const r = sample.record;
    return (
      SAMPLE_BASE_BYTES + textLength(r.path) + textLength(r.requestPayload) + textLength(r.responsePayload)
    );
  }
  return (
    SAMPLE_BASE_BYTES + sample.request.path.length + sample.request.body.length + sample.response.body.length
  );
}

/** One endpoint with everything under it: its parameters and samples. */
export function endpointBytes(ep: EndpointState): number {
  let bytes = ENDPOINT_BYTES + ep.paramCount * PARAMETER_BYTES;
  for (const s of ep.samples) bytes += sampleBytes(s);
  return bytes;
}

function textLength(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

/** Least recently used first: the order in which clean collections leave the working set. */
export function evictionOrder<T extends { lastUsed: number }>(collections: Iterable<T>): T[] {
  return [...collections].sort((a, b) => a.lastUsed - b.lastUsed);
}
