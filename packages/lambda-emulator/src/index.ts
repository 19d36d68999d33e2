export { EmulatorError, EmulatorErrorCode } from './errors.js';
export { ExecutionEnvironment, type FunctionIdentity, newTraceId } from './execution-environment.js';
export { LambdaEmulator } from './lambda-emulator.js';
export { EXTENSION_PREFIX, Header, MAX_BUFFERED_PAYLOAD_BYTES, RUNTIME_PREFIX } from './protocol.js';
export { RuntimeApiServer, type RuntimeApiServerOptions } from './runtime-api-server.js';
export { minimalRuntime, ricRuntime } from './runtimes.js';
export type {
  EmulatorOptions,
  InvocationOutcome,
  InvocationResult,
  InvocationTimings,
  InvokeOptions,
  RuntimeCommand,
  ShutdownOptions,
  ShutdownResult,
} from './types.js';
