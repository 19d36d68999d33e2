import { EventEmitter } from 'node:events';
import { basename, dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type ChildHandle, ChildProcesses, type ExitInfo } from './child-processes.js';
import { EmulatorError, EmulatorErrorCode } from './errors.js';
import { listLayerExtensions } from './layer.js';
import { MAX_BUFFERED_PAYLOAD_BYTES } from './protocol.js';
import { RuntimeApiServer } from './runtime-api-server.js';
import type {
  EmulatorOptions,
  InvocationResult,
  InvokeOptions,
  RuntimeCommand,
  ShutdownOptions,
  ShutdownResult,
} from './types.js';

interface Settings {
  functionName: string;
  functionVersion: string;
  memoryMb: number;
  timeoutMs: number;
  region: string;
  env: Readonly<Record<string, string>>;
  layerDir: string | undefined;
  runtime: RuntimeCommand | undefined;
  initTimeoutMs: number;
  port: number;
  captureLogs: boolean;
}

function settingsFrom(options: EmulatorOptions): Readonly<Settings> {
  const positive = (name: string, value: number | undefined, fallback: number) => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v <= 0) {
      throw new EmulatorError(
        EmulatorErrorCode.BadOptions,
        `${name} must be a positive number, got ${value}`,
      );
    }
    return v;
  };
  return Object.freeze({
    functionName: options.functionName ?? 'test-function',
    functionVersion: options.functionVersion ?? '$LATEST',
    memoryMb: positive('memoryMb', options.memoryMb, 128),
    timeoutMs: positive('timeoutMs', options.timeoutMs, 3000),
    region: options.region ?? 'us-east-1',
    env: Object.freeze({ ...options.env }),
    layerDir: options.layerDir,
    runtime: options.runtime,
    initTimeoutMs: positive('initTimeoutMs', options.initTimeoutMs, 10_000),
    port: options.port ?? 0,
    captureLogs: options.captureLogs ?? true,
  });
}

function describeExit(exit: ExitInfo): string {
  if (exit.spawnError) return `could not start: ${exit.spawnError.message}`;
  return exit.signal ? `signal ${exit.signal}` : `exit status ${exit.code}`;
}

/**
 * A local Lambda execution environment: the Runtime API and Extensions API server, the layer's external
 * extensions and the runtime process (through AWS_LAMBDA_EXEC_WRAPPER when set), started the way Lambda does.
 */
export class LambdaEmulator {
  private readonly processes: ChildProcesses;
  /** Emitted whenever something init is waiting on may have changed (a process died). */
  private readonly initChanges = new EventEmitter();
  private initFailure: EmulatorError | null = null;
  private initializing = true;
  private shutdownPromise: Promise<ShutdownResult> | null = null;

  private constructor(
    private readonly settings: Readonly<Settings>,
    private readonly server: RuntimeApiServer,
  ) {
    this.processes = new ChildProcesses(settings.captureLogs);
  }

  /** Listens, spawns the layer's extensions, waits for their registration, spawns the runtime, waits for its first `next`. */
  static async start(options: EmulatorOptions): Promise<LambdaEmulator> {
    const settings = settingsFrom(options);
    const extensionFiles = settings.layerDir ? await listLayerExtensions(settings.layerDir) : [];
    const server = await RuntimeApiServer.listen({
      functionName: settings.functionName,
      functionVersion: settings.functionVersion,
      region: settings.region,
      timeoutMs: settings.timeoutMs,
      handler: settings.runtime?.env?._HANDLER ?? '',
      port: settings.port,
    });
    const emulator = new LambdaEmulator(settings, server);
    try {
      await emulator.init(extensionFiles);
    } catch (error) {
      await emulator.shutdown({ deadlineMs: 0 });
      if (error instanceof EmulatorError && settings.captureLogs) {
        // The children's output is usually what explains an init failure.
        error.message += `\n--- captured logs ---\n${emulator.logs().slice(-4000)}`;
      }
      throw error;
    }
    return emulator;
  }

  /** '127.0.0.1:PORT', what AWS_LAMBDA_RUNTIME_API is set to. */
  get runtimeApi(): string {
    return this.server.runtimeApi;
  }

  get registeredExtensions(): readonly string[] {
    return this.server.registeredExtensions;
  }

  /** The HTTP server and environment state underneath, for tests that need protocol-level access. */
  get runtimeApiServer(): RuntimeApiServer {
    return this.server;
  }

  /** Resolves at the end of the invocation's cycle (runtime answered and every INVOKE extension called next). */
  invoke(payload: Buffer | string | unknown, options?: InvokeOptions): Promise<InvocationResult> {
    const bytes = Buffer.isBuffer(payload)
      ? payload
      : Buffer.from(typeof payload === 'string' ? payload : (JSON.stringify(payload) ?? 'null'));
    if (bytes.length > MAX_BUFFERED_PAYLOAD_BYTES) {
      return Promise.reject(
        new EmulatorError(
          EmulatorErrorCode.BadOptions,
          `RequestEntityTooLargeException: request payload of ${bytes.length} bytes exceeds ${MAX_BUFFERED_PAYLOAD_BYTES}`,
        ),
      );
    }
    return this.server.invoke(bytes, options);
  }

  logs(): string {
    return this.processes.logs();
  }

  /** SHUTDOWN to extensions registered for it, a budget for them to exit, then kill everything. Idempotent. */
  shutdown(options: ShutdownOptions = {}): Promise<ShutdownResult> {
    this.shutdownPromise ??= this.doShutdown(options);
    return this.shutdownPromise;
  }

  // ---- init --------------------------------------------------------------------------------

  private async init(extensionFiles: readonly string[]): Promise<void> {
    const env = this.server.environment;
    const deadline = performance.now() + this.settings.initTimeoutMs;
    const baseEnv = this.baseEnv();
    for (const file of extensionFiles) {
      this.processes.spawn(
        {
          name: basename(file),
          kind: 'extension',
          command: file,
          args: [],
          env: baseEnv,
          // Lambda runs every process in the task root (/var/task).
          cwd: baseEnv.LAMBDA_TASK_ROOT,
        },
        (handle) => this.onExit(handle),
      );
    }
    await this.waitForInit(
      () => env.registeredExtensions.length >= extensionFiles.length,
      () => `extensions did not register (${env.registeredExtensions.length}/${extensionFiles.length})`,
      deadline,
    );
    const runtime = this.settings.runtime;
    if (!runtime) {
      // Nothing to spawn: the caller plays the runtime over raw HTTP against runtimeApi.
      this.initializing = false;
      return;
    }
    const wrapper = this.settings.env.AWS_LAMBDA_EXEC_WRAPPER;
    const args = runtime.args ?? [];
    this.processes.spawn(
      {
        name: 'runtime',
        kind: 'runtime',
        command: wrapper ?? runtime.command,
        args: wrapper ? [runtime.command, ...args] : args,
        env: { ...baseEnv, ...runtime.env },
        ...(runtime.cwd === undefined ? {} : { cwd: runtime.cwd }),
      },
      (handle) => this.onExit(handle),
    );
    await this.waitForInit(
      () => env.phase === 'ready',
      () =>
        env.hasRuntimeCalledNext
          ? 'extensions did not call event/next'
          : 'the runtime did not call invocation/next',
      deadline,
    );
    this.initializing = false;
  }

  /** The environment Lambda gives extensions and the runtime: function env plus the reserved variables. */
  private baseEnv(): Record<string, string> {
    const s = this.settings;
    const runtimeEnv = s.runtime?.env ?? {};
    const nodeDir = dirname(process.execPath);
    const path = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
    return {
      ...s.env,
      PATH: path.split(':').includes(nodeDir) ? path : `${nodeDir}:${path}`,
      AWS_LAMBDA_RUNTIME_API: this.server.runtimeApi,
      AWS_LAMBDA_FUNCTION_NAME: s.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: s.functionVersion,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(s.memoryMb),
      AWS_REGION: s.region,
      AWS_DEFAULT_REGION: s.region,
      LAMBDA_TASK_ROOT: runtimeEnv.LAMBDA_TASK_ROOT ?? s.runtime?.cwd ?? process.cwd(),
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      _HANDLER: runtimeEnv._HANDLER ?? '',
    };
  }

  private waitForInit(ready: () => boolean, missing: () => string, deadline: number): Promise<void> {
    const env = this.server.environment;
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        const failure = env.initError ?? this.initFailure;
        if (failure) finish(failure);
        else if (ready()) finish(null);
      };
      const timer = setTimeout(
        () =>
          finish(
            new EmulatorError(
              EmulatorErrorCode.InitTimeout,
              `init did not complete within ${this.settings.initTimeoutMs} ms: ${missing()}`,
            ),
          ),
        Math.max(0, deadline - performance.now()),
      );
      timer.unref();
      const events = ['registered', 'runtimeNext', 'extensionNext', 'initComplete', 'initError'] as const;
      const finish = (error: EmulatorError | null) => {
        clearTimeout(timer);
        for (const name of events) env.off(name, check);
        this.initChanges.off('change', check);
        if (error) reject(error);
        else resolve();
      };
      for (const name of events) env.on(name, check);
      this.initChanges.on('change', check);
      check();
    });
  }

  private onExit(handle: ChildHandle): void {
    if (this.shutdownPromise || handle.killedByUs) return;
    const exit = handle.exit!;
    const what = handle.kind === 'runtime' ? 'Runtime' : `Extension ${handle.name}`;
    const errorType = handle.kind === 'runtime' ? 'Runtime.ExitError' : 'Extension.Crash';
    const message = `${what} exited with error: ${describeExit(exit)}`;
    if (this.initializing) {
      this.initFailure ??= new EmulatorError(EmulatorErrorCode.InitFailed, `during init: ${message}`, {
        errorType,
      });
      this.initChanges.emit('change');
      return;
    }
    this.server.environment.failEnvironment(
      errorType,
      message,
      handle.kind === 'extension' ? handle.name : undefined,
    );
  }

  // ---- shutdown ----------------------------------------------------------------------------

  private async doShutdown(options: ShutdownOptions): Promise<ShutdownResult> {
    const started = performance.now();
    const budgetMs = Math.max(0, options.deadlineMs ?? 2000);
    const env = this.server.environment;
    const handles = this.processes.all;
    // The runtime goes first (it has nothing left to do), then extensions hear SHUTDOWN.
    for (const h of handles) if (h.kind === 'runtime') this.processes.kill(h, 'SIGKILL');
    env.beginShutdown(options.reason ?? 'spindown', Date.now() + budgetMs);
    const registered = env.registeredExtensions;
    const waitingFor: ChildHandle[] = [];
    for (const h of handles) {
      if (h.kind !== 'extension' || h.exit) continue;
      const registration = registered.find((r) => r.name === h.name);
      // Registered without SHUTDOWN: it will never learn about the shutdown, so no point waiting for it.
      if (registration && !registration.events.has('SHUTDOWN')) this.processes.kill(h, 'SIGKILL');
      else waitingFor.push(h);
    }
    const spawnedExtensions = handles.some((h) => h.kind === 'extension');
    const finished = spawnedExtensions
      ? Promise.all(waitingFor.map((h) => h.exited)).then(() => true)
      : waitUntil(() => env.shutdownEventsDelivered, budgetMs);
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      finished,
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), budgetMs);
      }),
    ]);
    clearTimeout(timer);
    const cleanExits = waitingFor.every((h) => h.exit !== null && !h.killedByUs && h.exit.code === 0);
    await this.processes.killAll();
    await this.server.close();
    return {
      durationMs: performance.now() - started,
      extensionsExitedCleanly: inTime && cleanExits,
    };
  }
}

/** Polls a condition (cheap, shutdown-only) until true or the budget passes. */
function waitUntil(condition: () => boolean, budgetMs: number): Promise<boolean> {
  const until = performance.now() + budgetMs;
  return new Promise((resolve) => {
    const tick = () => {
      if (condition()) resolve(true);
      else if (performance.now() >= until) resolve(false);
      else setTimeout(tick, 5);
    };
    tick();
  });
}
