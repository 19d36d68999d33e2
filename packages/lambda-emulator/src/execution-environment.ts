import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { EmulatorError, EmulatorErrorCode } from './errors.js';
import { ExtensionRegistry, type RegisteredExtension } from './extension-registry.js';
import { type ExtensionEventType, errorBody, Header, type ShutdownReason } from './protocol.js';
import type { InvocationOutcome, InvocationResult, InvokeOptions } from './types.js';

/** Static facts about the emulated function. */
export interface FunctionIdentity {
  functionName: string;
  functionVersion: string;
  handler: string;
  accountId: string;
  functionArn: string;
  timeoutMs: number;
}

/** What the runtime posted for an invocation (or what the emulator decided in its place). */
export interface RuntimeAnswer {
  outcome: InvocationOutcome;
  body: Buffer;
  headers: Record<string, string>;
  errorType?: string;
  streamed: boolean;
  trailers?: Record<string, string>;
}

type InvocationState = 'queued' | 'running' | 'answered' | 'ended';

interface Invocation {
  readonly requestId: string;
  readonly invocationId: string;
  readonly payload: Buffer;
  readonly options: InvokeOptions;
  readonly traceId: string;
  readonly startedAt: number;
  state: InvocationState;
  respondedAt: number;
  answer: RuntimeAnswer | null;
  /** Extensions (ids) that got this INVOKE event, or will, and have not called event/next since. */
  readonly pendingExtensions: Set<string>;
  timer: NodeJS.Timeout | null;
  resolve(result: InvocationResult): void;
  reject(error: Error): void;
}

export type ClaimResult = { kind: 'ok'; invocation: Invocation } | { kind: 'gone'; reason: string };

export type Phase = 'init' | 'ready' | 'shutdown';

interface EnvironmentEvents {
  runtimeNext: [];
  initComplete: [];
  initError: [EmulatorError];
  extensionNext: [];
  registered: [];
}

/**
 * The state of one Lambda execution environment: queued and running invocations, the runtime's
 * long-polling `next` calls, the init phase, and the freeze rule (with ExtensionRegistry).
 * Transport-free: the HTTP server feeds it requests, so tests can reason about it directly.
 */
export class ExecutionEnvironment extends EventEmitter<EnvironmentEvents> {
  private readonly invocations = new Map<string, Invocation>();
  private readonly queue: Invocation[] = [];
  private readonly runtimePollers: ServerResponse[] = [];
  private readonly extensions = new ExtensionRegistry((extensionId, requestId) =>
    this.onExtensionAcknowledged(extensionId, requestId),
  );
  private runtimeCalledNext = false;
  private phaseValue: Phase = 'init';
  private initErrorValue: EmulatorError | null = null;
  private failure: { errorType: string; message: string } | null = null;

  constructor(readonly identity: FunctionIdentity) {
    super();
  }

  get phase(): Phase {
    return this.phaseValue;
  }

  get initError(): EmulatorError | null {
    return this.initErrorValue;
  }

  get hasRuntimeCalledNext(): boolean {
    return this.runtimeCalledNext;
  }

  get registeredExtensions(): readonly RegisteredExtension[] {
    return this.extensions.all;
  }

  /** Invocations not yet ended (queued, running, or waiting for extensions). */
  get openInvocations(): number {
    return this.invocations.size;
  }

  // ---- invoke side -------------------------------------------------------------------------

  invoke(payload: Buffer, options: InvokeOptions = {}): Promise<InvocationResult> {
    return new Promise<InvocationResult>((resolve, reject) => {
      if (this.phaseValue === 'shutdown') {
        reject(new EmulatorError(EmulatorErrorCode.ShutDown, 'the emulator has been shut down'));
        return;
      }
      if (this.initErrorValue) {
        reject(this.initErrorValue);
        return;
      }
      const invocation: Invocation = {
        requestId: randomUUID(),
        invocationId: randomUUID(),
        payload,
        options,
        traceId: options.traceId ?? newTraceId(),
        startedAt: performance.now(),
        state: 'queued',
        respondedAt: 0,
        answer: null,
        pendingExtensions: new Set(),
        timer: null,
        resolve,
        reject,
      };
      this.invocations.set(invocation.requestId, invocation);
      if (this.failure) {
        this.answer(invocation, failureAnswer(this.failure.errorType, this.failure.message));
        return;
      }
      this.queue.push(invocation);
      this.dispatch();
    });
  }

  // ---- Runtime API -------------------------------------------------------------------------

  /** A runtime `invocation/next` call: answered now if an invocation is queued, else parked (long poll). */
  runtimeNext(res: ServerResponse): void {
    this.runtimePollers.push(res);
    res.on('close', () => removeItem(this.runtimePollers, res));
    if (!this.runtimeCalledNext) {
      this.runtimeCalledNext = true;
      this.emit('runtimeNext');
      this.checkInitComplete();
    }
    this.dispatch();
  }

  /** Looks up the invocation a runtime is answering; 'gone' for unknown, already answered or stale ids. */
  claim(requestId: string, echoedInvocationId: string | undefined): ClaimResult {
    const invocation = this.invocations.get(requestId);
    if (invocation?.state !== 'running') {
      return { kind: 'gone', reason: `invocation ${requestId} is unknown or already answered` };
    }
    if (echoedInvocationId !== undefined && echoedInvocationId !== invocation.invocationId) {
      return { kind: 'gone', reason: `stale invocation id ${echoedInvocationId} for request ${requestId}` };
    }
    return { kind: 'ok', invocation };
  }

  /** Records the runtime's answer; returns false when the invocation ended meanwhile (e.g. timed out). */
  answer(invocation: Invocation, answer: RuntimeAnswer): boolean {
    if (invocation.state === 'answered' || invocation.state === 'ended') return false;
    removeItem(this.queue, invocation);
    invocation.state = 'answered';
    invocation.answer = answer;
    invocation.respondedAt = performance.now();
    this.maybeEndCycle(invocation);
    return true;
  }

  /** `init/error` from the runtime, `restore/error`, or an extension's `init/error`. */
  reportInitError(errorType: string, body: string, source: string): void {
    const error = new EmulatorError(
      EmulatorErrorCode.InitFailed,
      `${source} reported an init error: ${errorType}`,
      {
        errorType,
        errorBody: body,
      },
    );
    this.initErrorValue ??= error;
    for (const invocation of [...this.queue]) {
      this.queue.splice(this.queue.indexOf(invocation), 1);
      this.invocations.delete(invocation.requestId);
      invocation.reject(error);
    }
    this.emit('initError', error);
  }

  // ---- Extensions API ----------------------------------------------------------------------

  register(name: string, events: readonly ExtensionEventType[]): RegisteredExtension {
    const extension = this.extensions.register(name, events);
    this.emit('registered');
    return extension;
  }

  extension(id: string | undefined): RegisteredExtension | undefined {
    return this.extensions.get(id);
  }

  /** An extension's `event/next`: acknowledges the INVOKE it got last (freeze rule), then long-polls. */
  extensionNext(extension: RegisteredExtension, res: ServerResponse): void {
    this.extensions.next(extension, res);
    this.checkInitComplete();
    this.emit('extensionNext');
  }

  // ---- failures and shutdown ---------------------------------------------------------------

  /**
   * A process died: every invocation the runtime has not answered ends with `errorType`, and so does every
   * later invoke (the environment is broken; real Lambda would reset it). A dead extension no longer blocks
   * the freeze rule.
   */
  failEnvironment(errorType: string, message: string, deadExtensionName?: string): void {
    this.failure ??= { errorType, message };
    if (deadExtensionName !== undefined) {
      for (const id of this.extensions.remove(deadExtensionName)) {
        for (const invocation of this.invocations.values()) invocation.pendingExtensions.delete(id);
      }
    }
    for (const invocation of [...this.invocations.values()]) {
      if (invocation.state === 'queued' || invocation.state === 'running') {
        this.answer(invocation, failureAnswer(errorType, message));
      } else {
        this.maybeEndCycle(invocation);
      }
    }
  }

  /** Stops dispatching, ends open invocations and queues a SHUTDOWN event for extensions registered for it. */
  beginShutdown(reason: ShutdownReason, deadlineMs: number): void {
    if (this.phaseValue === 'shutdown') return;
    this.phaseValue = 'shutdown';
    for (const invocation of [...this.invocations.values()]) {
      this.answer(invocation, failureAnswer('Runtime.ExitError', 'the execution environment was shut down'));
      this.endCycle(invocation, false);
    }
    for (const res of this.runtimePollers.splice(0)) res.destroy();
    this.extensions.queueShutdown(reason, deadlineMs);
  }

  /** True once every extension registered for SHUTDOWN has been handed its SHUTDOWN event. */
  get shutdownEventsDelivered(): boolean {
    return this.extensions.shutdownEventsDelivered;
  }

  // ---- internals ---------------------------------------------------------------------------

  private checkInitComplete(): void {
    if (this.phaseValue !== 'init' || !this.runtimeCalledNext) return;
    if (!this.extensions.allCalledNext) return;
    this.phaseValue = 'ready';
    this.emit('initComplete');
    this.dispatch();
  }

  /** Hands queued invocations to parked `next` calls; several pollers may each get one (multi-concurrency). */
  private dispatch(): void {
    if (this.phaseValue !== 'ready') return;
    while (this.queue.length > 0) {
      const poller = this.runtimePollers.shift();
      if (!poller) return;
      if (poller.destroyed || poller.writableEnded) continue;
      const invocation = this.queue.shift()!;
      this.start(invocation, poller);
    }
  }

  private start(invocation: Invocation, poller: ServerResponse): void {
    const timeoutMs = invocation.options.timeoutMs ?? this.identity.timeoutMs;
    const deadlineMs = Date.now() + timeoutMs;
    invocation.state = 'running';
    invocation.timer = setTimeout(() => this.onDeadline(invocation, timeoutMs), timeoutMs);
    invocation.timer.unref();
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': invocation.payload.length,
      [Header.requestId]: invocation.requestId,
      [Header.deadlineMs]: String(deadlineMs),
      [Header.functionArn]: this.identity.functionArn,
      [Header.traceId]: invocation.traceId,
      [Header.invocationId]: invocation.invocationId,
    };
    if (invocation.options.clientContext !== undefined) {
      headers[Header.clientContext] = invocation.options.clientContext;
    }
    if (invocation.options.cognitoIdentity !== undefined) {
      headers[Header.cognitoIdentity] = invocation.options.cognitoIdentity;
    }
    poller.writeHead(200, headers);
    poller.end(invocation.payload);
    const notified = this.extensions.queueInvoke({
      requestId: invocation.requestId,
      deadlineMs,
      invokedFunctionArn: this.identity.functionArn,
      traceId: invocation.traceId,
    });
    for (const id of notified) invocation.pendingExtensions.add(id);
  }

  private onExtensionAcknowledged(extensionId: string, requestId: string): void {
    const invocation = this.invocations.get(requestId);
    if (!invocation) return;
    invocation.pendingExtensions.delete(extensionId);
    this.maybeEndCycle(invocation);
  }

  private onDeadline(invocation: Invocation, timeoutMs: number): void {
    invocation.timer = null;
    if (invocation.state === 'running') {
      const message = `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`;
      this.answer(invocation, { ...failureAnswer('Sandbox.Timedout', message), outcome: 'timeout' });
      this.endCycle(invocation, false);
    } else if (invocation.state === 'answered') {
      this.endCycle(invocation, true);
    }
  }

  private maybeEndCycle(invocation: Invocation): void {
    if (invocation.state === 'answered' && invocation.pendingExtensions.size === 0) {
      this.endCycle(invocation, false);
    }
  }

  private endCycle(invocation: Invocation, extensionsTimedOut: boolean): void {
    if (invocation.state !== 'answered') return;
    invocation.state = 'ended';
    if (invocation.timer) clearTimeout(invocation.timer);
    invocation.timer = null;
    this.invocations.delete(invocation.requestId);
    const endedAt = performance.now();
    const answer = invocation.answer!;
    const result: InvocationResult = {
      requestId: invocation.requestId,
      outcome: answer.outcome,
      body: answer.body,
      headers: answer.headers,
      streamed: answer.streamed,
      timings: {
        responseMs: invocation.respondedAt - invocation.startedAt,
        postResponseMs: endedAt - invocation.respondedAt,
        cycleMs: endedAt - invocation.startedAt,
      },
    };
    if (answer.errorType !== undefined) result.errorType = answer.errorType;
    if (answer.trailers !== undefined) result.trailers = answer.trailers;
    if (extensionsTimedOut) result.extensionsTimedOut = true;
    invocation.resolve(result);
  }
}

function failureAnswer(errorType: string, message: string): RuntimeAnswer {
  return {
    outcome: 'error',
    body: Buffer.from(errorBody(errorType, message)),
    headers: {},
    errorType,
    streamed: false,
  };
}

function removeItem<T>(list: T[], item: T): void {
  const index = list.indexOf(item);
  if (index >= 0) list.splice(index, 1);
}

/** An X-Ray trace header like the service sends: Root=1-<epoch hex>-<96 bit hex>;Parent=<64 bit hex>;Sampled=0. */
export function newTraceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}
