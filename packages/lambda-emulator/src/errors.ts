/** Stable error codes of the lambda-emulator package. */
export const EmulatorErrorCode = {
  /** The runtime (or an extension) reported `init/error` / `restore/error`, or died during init. */
  InitFailed: 'TAPLINE_LAMBDA_EMULATOR_INIT_FAILED',
  /** Extensions did not register, or the runtime did not call `invocation/next`, within `initTimeoutMs`. */
  InitTimeout: 'TAPLINE_LAMBDA_EMULATOR_INIT_TIMEOUT',
  /** Options given to `LambdaEmulator.start` are unusable (e.g. the layer directory does not exist). */
  BadOptions: 'TAPLINE_LAMBDA_EMULATOR_BAD_OPTIONS',
  /** `invoke()` after `shutdown()`. */
  ShutDown: 'TAPLINE_LAMBDA_EMULATOR_SHUT_DOWN',
  /** A child process could not be spawned. */
  SpawnFailed: 'TAPLINE_LAMBDA_EMULATOR_SPAWN_FAILED',
} as const;
export type EmulatorErrorCode = (typeof EmulatorErrorCode)[keyof typeof EmulatorErrorCode];

export class EmulatorError extends Error {
  constructor(
    readonly code: EmulatorErrorCode,
    message: string,
    options?: { cause?: unknown; errorType?: string; errorBody?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EmulatorError';
    this.errorType = options?.errorType;
    this.errorBody = options?.errorBody;
  }
  /** Lambda error type reported by the runtime/extension (e.g. `Runtime.ImportModuleError`), when there is one. */
  readonly errorType: string | undefined;
  /** Raw error body the runtime/extension posted, when there is one. */
  readonly errorBody: string | undefined;
}
