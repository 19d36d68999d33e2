import { DDSketch } from '@datadog/sketches-js';

/**
 * Handler durations as a DDSketch (`@datadog/sketches-js`): quantiles within 1 % of the true value,
 * mergeable, a few hundred bins for durations from microseconds to minutes.
 */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

export type LatencySketch = DDSketch;

export function newSketch(): LatencySketch {
  return new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
}

/**
 * The sketch in the library's protobuf form, canonical: the same bin counts always give the same bytes,
 * whatever order the values came in or how the sketch was merged (the library's own encoding also
 * carries its spare, growth-dependent bins). So a replay after a crash writes byte-identical rows.
 * Rebuilt by re-adding each bin's representative value with its count (`key(value(k)) === k` holds for
 * the logarithmic mapping: the value is mid-bin).
 */
export function encodeSketch(sketch: LatencySketch): Uint8Array {
  const canonical = newSketch();
  const { store, mapping } = sketch;
  for (let i = 0; i < store.bins.length; i++) {
    const count = store.bins[i] as number;
    if (count > 0) canonical.accept(mapping.value(i + store.offset), count);
  }
  if (sketch.zeroCount > 0) canonical.accept(0, sketch.zeroCount);
  return canonical.toProto();
}

export function decodeSketch(bytes: Uint8Array): LatencySketch {
  const decoded = DDSketch.fromProto(bytes);
  // fromProto builds the base class; merging into a fresh DDSketch gives one of the usual kind.
  const sketch = newSketch();
  sketch.merge(decoded as DDSketch);
  return sketch;
}

/** A quantile in milliseconds, rounded to microseconds; 0 for an empty sketch. */
export function quantileMs(sketch: LatencySketch, q: number): number {
  if (sketch.count === 0) return 0;
  return Math.round(sketch.getValueAtQuantile(q) * 1000) / 1000;
}
