/** Stable codes of the instrumentation rules; callers map them to their own errors (CLI exit codes, synth errors). */
export const InstrumentationErrorCode = {
  /** Lambda ignores AWS_LAMBDA_EXEC_WRAPPER for this function (container image, OS-only runtime). */
  WrapperIgnored: 'TAPLINE_INSTRUMENT_WRAPPER_IGNORED',
  /** The layer cannot run on the function (architecture or runtime). */
  LayerMismatch: 'TAPLINE_INSTRUMENT_LAYER_MISMATCH',
  /** Adding Tapline's layer would exceed Lambda's layer limit. */
  TooManyLayers: 'TAPLINE_INSTRUMENT_TOO_MANY_LAYERS',
  /** The TAPLINE_ATTACHED record on the function is not one Tapline wrote. */
  BadMarker: 'TAPLINE_INSTRUMENT_BAD_MARKER',
} as const;
export type InstrumentationErrorCode =
  (typeof InstrumentationErrorCode)[keyof typeof InstrumentationErrorCode];

/** A function Tapline cannot (or must not) instrument as asked; the message says what to do instead. */
export class InstrumentationError extends Error {
  constructor(
    readonly code: InstrumentationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'InstrumentationError';
  }
}
