/** Public option and result types of the emulator. */

export interface RuntimeCommand {
  command: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export interface EmulatorOptions {
  /** Default 'test-function'. */
  functionName?: string;
  /** Default '$LATEST'. */
  functionVersion?: string;
  /** Default 128. */
  memoryMb?: number;
  /** Per-invocation deadline, default 3000; on expiry the invocation outcome is 'timeout'. */
  timeoutMs?: number;
  /** Default 'us-east-1' (used in the ARN and AWS_REGION). */
  region?: string;
  /** Function environment variables, given to extensions AND runtime (like Lambda). */
  env?: Record<string, string>;
  /** A directory laid out like /opt: every executable in `${layerDir}/extensions/` is spawned as an external extension. */
  layerDir?: string;
  /** The runtime process; when env has AWS_LAMBDA_EXEC_WRAPPER, `<wrapper> <command> <args...>` is spawned instead. */
  runtime?: RuntimeCommand;
  /** Default 10000: extensions must register and the runtime must call next by then, else start() rejects. */
  initTimeoutMs?: number;
  /** 0 (default) = ephemeral; the Runtime API listens on 127.0.0.1. */
  port?: number;
  /** Default true: child stdout/stderr kept (see logs()); false = inherit. */
  captureLogs?: boolean;
}

export interface InvokeOptions {
  clientContext?: string;
  cognitoIdentity?: string;
  /** Overrides EmulatorOptions.timeoutMs for this invocation. */
  timeoutMs?: number;
  /** Value of Lambda-Runtime-Trace-Id; a random X-Ray header when absent. */
  traceId?: string;
}

export type InvocationOutcome = 'response' | 'error' | 'timeout';

export interface InvocationTimings {
  /** invoke() → runtime response received (what the caller would have waited). */
  responseMs: number;
  /** Runtime response → every INVOKE-registered extension called event/next again. */
  postResponseMs: number;
  /** invoke() → cycle end (the environment could freeze). */
  cycleMs: number;
}

export interface InvocationResult {
  requestId: string;
  outcome: InvocationOutcome;
  /** Exact bytes the runtime posted (response body, or error body); emulator-made error bodies for timeouts/crashes. */
  body: Buffer;
  /** Headers the runtime sent with /response or /error, names lower-cased. */
  headers: Record<string, string>;
  /** From Lambda-Runtime-Function-Error-Type (header or streaming trailer), or the emulator's own error type. */
  errorType?: string;
  streamed: boolean;
  trailers?: Record<string, string>;
  timings: InvocationTimings;
  /** True when the deadline passed after the runtime responded but before every extension called event/next. */
  extensionsTimedOut?: boolean;
}

export interface ShutdownResult {
  durationMs: number;
  extensionsExitedCleanly: boolean;
}

export interface ShutdownOptions {
  reason?: 'spindown' | 'timeout' | 'failure';
  /** Budget for extensions to exit after the SHUTDOWN event; default 2000. */
  deadlineMs?: number;
}
