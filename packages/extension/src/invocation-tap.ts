import {
  encodeWireRecord,
  type HeaderMap,
  type InvocationOutcome,
  type InvocationPerformance,
  type TrafficRecord,
} from '@tapline/contracts';
import { ByteCapture } from './byte-capture.js';
import { mapEvent, type RequestShape } from './event-mapping/index.js';
import { functionRefOf } from './function-ref.js';
import type { MessageHead } from './http/message-framer.js';
import type { Logger } from './logger.js';
import type { EncodedRecord } from './mirror-queue.js';
import { buildRecord } from './record-builder.js';
import { mapBatchResults, mapResult, type ResponseShape, timeoutResponse } from './response-mapping.js';
import type { ProxyTap } from './runtime-proxy.js';

/** Buffered events and responses are JSON envelopes: keep them whole (Lambda caps them at 6 MB) so they parse. */
const ENVELOPE_CAP = 6 * 1024 * 1024 + 64 * 1024;
/** Bound on request ids remembered as finished, for an INVOKE event that arrives after the response. */
const FINISHED_MEMORY = 256;
/** Events up to this size are mapped before the result arrives. */
const PREMAP_MAX_BYTES = 64 * 1024;
/** Lambda refuses buffered results over 6 MB (413 RequestEntityTooLarge). */
const MAX_ACCEPTED_RESULT = 6 * 1024 * 1024;

export interface InvocationTapOptions {
  enabled: boolean;
  functionName: string;
  maxBodyBytes: number;
  sampleRate: number;
  maskHeaders: ReadonlySet<string>;
  log: Logger;
  /** Receives each mirrored record, off the response path. */
  onRecord: (record: EncodedRecord) => void;
  random?: () => number;
  /** `AWS_LAMBDA_INITIALIZATION_TYPE`: provisioned environments have no cold start a caller waits for. */
  initializationType?: string;
  /** `AWS_LAMBDA_FUNCTION_VERSION`, the qualifier when the invoked ARN has none. */
  functionVersion?: string;
}

interface InvocationState {
  event: ByteCapture;
  /** The `Lambda-Runtime-Invocation-Id` the event came with (a runtime may echo it with its result). */
  invocationId: string | undefined;
  /** The `invocation/next` answer's head (its invoked function ARN is read when the record is built). */
  head: MessageHead;
  coldStart: boolean;
  /** performance.now() when the event had been handed to the runtime, and when its result had arrived. */
  deliveredAt?: number;
  resultAt?: number;
  /** The request half, mapped while the runtime works on the event. */
  request?: RequestShape;
  time: number;
  deadlineMs: number;
  delivered: boolean;
  result?: {
    kind: 'response' | 'error';
    capture: ByteCapture;
    head: MessageHead;
    trailers: readonly string[];
    /** Nothing the proxy can see gives the Runtime API a reason to refuse it (see `resultStarted`). */
    acceptable: boolean;
  };
}

/** Adds `id`, forgetting the oldest beyond FINISHED_MEMORY (an answer that never comes must not leak). */
function remember(set: Set<string>, id: string): void {
  set.add(id);
  if (set.size > FINISHED_MEMORY) set.delete(set.values().next().value!);
}

function headerMap(raw: readonly string[]): HeaderMap {
  const out: HeaderMap = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    out[name] = out[name] === undefined ? raw[i + 1]! : `${out[name]}, ${raw[i + 1]!}`;
  }
  return out;
}

/**
 * Keeps per-request-id state (several invocations may be in flight), turns captured bytes into records
 * after the runtime's result has been forwarded, and tells the event loop when an invocation is done.
 */
export class InvocationTap implements ProxyTap {
  private readonly inflight = new Map<string, InvocationState>();
  /** Request id → when its result was forwarded (performance.now()). */
  private readonly finished = new Map<string, number>();
  private readonly forwardedAt = new Map<string, number>();
  /** Results mirrored as soon as they went upstream, until the Runtime API answers. */
  private readonly mirroredEarly = new Set<string>();
  /** Results forwarded but not yet both mapped and acknowledged by the upstream. */
  private readonly completing = new Map<string, { records?: EncodedRecord[]; status?: number }>();
  private readonly waiters = new Map<string, ((forwardedAt: number | undefined) => void)[]>();
  private readonly random: () => number;
  /** Told how many bytes each invocation captured (memory housekeeping). */
  onCapturedBytes: ((bytes: number) => void) | undefined;
  /** Whether this environment has served an invocation yet (the next one is otherwise its cold start). */
  private served = false;
  /** performance.now() (milliseconds since this process started) at the runtime's first `invocation/next`. */
  private initEndedAt: number | undefined;

  constructor(private readonly options: InvocationTapOptions) {
    this.random = options.random ?? Math.random;
  }

  get inflightCount(): number {
    return this.inflight.size;
  }

  runtimePolled(): void {
    this.initEndedAt ??= performance.now();
  }

  eventStarted(requestId: string, response: MessageHead): ByteCapture | undefined {
    this.finished.delete(requestId);
    if (!this.options.enabled) return undefined;
    // Counted before sampling: a later sampled invocation is not the cold one.
    const coldStart = !this.served && this.options.initializationType !== 'provisioned-concurrency';
    this.served = true;
    this.sweep();
    if (this.options.sampleRate < 1 && this.random() >= this.options.sampleRate) return undefined;
    const deadline = Number(response.header('lambda-runtime-deadline-ms'));
    const state: InvocationState = {
      event: new ByteCapture(Math.max(ENVELOPE_CAP, this.options.maxBodyBytes)),
      invocationId: response.header('lambda-runtime-invocation-id'),
      head: response,
      coldStart,
      time: Math.floor(Date.now() / 1000),
      deadlineMs: Number.isFinite(deadline) && deadline > 0 ? deadline : Date.now() + 15 * 60_000,
      delivered: false,
    };
    this.inflight.set(requestId, state);
    return state.event;
  }

  eventDelivered(requestId: string): void {
    const state = this.inflight.get(requestId);
    if (state === undefined) return;
    state.delivered = true;
    state.deliveredAt = performance.now();
    // Mapped while the runtime runs the handler, so less is left to do once the result is back. Not
    // a large event: mapping it would hold up forwarding the runtime's result, which is what callers wait for.
    if (state.event.total > PREMAP_MAX_BYTES) return;
    setImmediate(() => {
      if (state.request === undefined && state.result === undefined) state.request = this.requestOf(state);
    });
  }

  resultStarted(
    requestId: string,
    kind: 'response' | 'error',
    request: MessageHead,
  ): ByteCapture | undefined {
    const state = this.inflight.get(requestId);
    if (state === undefined || state.result !== undefined) return undefined;
    const streaming = /streaming/i.test(request.header('lambda-runtime-function-response-mode') ?? '');
    // A streamed body is the payload itself (no envelope to parse), so it is capped at the mirrored size.
    const cap = streaming ? this.options.maxBodyBytes : Math.max(ENVELOPE_CAP, this.options.maxBodyBytes);
    // The refusals the proxy can see coming: a result for an invocation past its deadline, one echoing
    // another invocation id (410), and (checked once the size is known) one over 6 MB (413). Without
    // them the result is mirrored before the answer; any other refusal is logged when it comes.
    const echoed = request.header('lambda-runtime-invocation-id');
    const acceptable =
      !streaming &&
      Date.now() < state.deadlineMs &&
      (echoed === undefined || state.invocationId === undefined || echoed === state.invocationId);
    state.result = { kind, capture: new ByteCapture(cap), head: request, trailers: [], acceptable };
    return state.result.capture;
  }

  resultForwarded(requestId: string, kind: 'response' | 'error', trailers: readonly string[]): void {
    const now = performance.now();
    this.forwardedAt.set(requestId, now);
    const state = this.inflight.get(requestId);
    this.inflight.delete(requestId);
    const result = state?.result;
    if (result === undefined || result.kind !== kind) {
      this.finish(requestId);
      return;
    }
    state!.resultAt = now;
    result.trailers = trailers;
    this.onCapturedBytes?.(state!.event.total + result.capture.total);
    if (result.acceptable && result.capture.total <= MAX_ACCEPTED_RESULT) {
      // The bytes are already upstream: mirroring now lets the collector round trip overlap the
      // Runtime API's answer instead of following it.
      const records = this.encode(state!);
      if (records.length > 0) {
        remember(this.mirroredEarly, requestId);
        for (const record of records) this.options.onRecord(record);
      }
      this.finish(requestId);
      return;
    }
    const pending: { records?: EncodedRecord[]; status?: number } = {};
    this.completing.set(requestId, pending);
    // Off the response path: the runtime's bytes are already on their way upstream.
    setImmediate(() => {
      pending.records = this.encode(state!);
      this.complete(requestId);
    });
  }

  resultAcknowledged(requestId: string, status: number): void {
    if (this.mirroredEarly.delete(requestId)) {
      if (status < 200 || status >= 300)
        this.options.log.warnLimited(
          'refused-after-mirroring',
          'the Runtime API refused a result already mirrored',
          {
            requestId,
            status,
          },
        );
      return;
    }
    const pending = this.completing.get(requestId);
    if (pending === undefined) return;
    pending.status = status;
    this.complete(requestId);
  }

  /** The records' wire JSON (several for a BatchInvoke); none (logged) when the invocation cannot be mapped. */
  private encode(state: InvocationState, timedOutAt?: number): EncodedRecord[] {
    try {
      return this.toRecords(state, timedOutAt).map((record) => ({ json: encodeWireRecord(record) }));
    } catch (error) {
      this.options.log.warnLimited('mapping-error', 'could not map an invocation; not mirrored', {
        error: error instanceof Error ? error.message : String(error),
      });
      return [];
    }
  }

  /** Mirrors a result that had to wait, once it is mapped and the Runtime API accepted it (a refused one never reached the caller). */
  private complete(requestId: string): void {
    const pending = this.completing.get(requestId);
    if (pending === undefined || pending.status === undefined) return;
    if (pending.records === undefined) return;
    this.completing.delete(requestId);
    if (pending.records.length > 0) {
      if (pending.status >= 200 && pending.status < 300)
        for (const record of pending.records) this.options.onRecord(record);
      else
        this.options.log.debug('result rejected upstream; not mirrored', {
          requestId,
          status: pending.status,
        });
    }
    this.finish(requestId);
  }

  /**
   * Resolves once the result of `requestId` has been forwarded and mirrored, or at `deadlineMs`, with
   * the `performance.now()` at which the result was forwarded (undefined when it never was).
   */
  waitForResult(requestId: string, deadlineMs: number): Promise<number | undefined> {
    if (this.finished.has(requestId)) return Promise.resolve(this.finished.get(requestId));
    if (!this.options.enabled) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.expire(requestId);
          done(undefined);
        },
        Math.max(0, deadlineMs - Date.now()),
      );
      const list = this.waiters.get(requestId) ?? [];
      list.push(done);
      this.waiters.set(requestId, list);
      function done(forwardedAt: number | undefined): void {
        clearTimeout(timer);
        resolve(forwardedAt);
      }
    });
  }

  private finish(requestId: string): void {
    const at = this.forwardedAt.get(requestId) ?? performance.now();
    this.forwardedAt.delete(requestId);
    this.finished.set(requestId, at);
    if (this.finished.size > FINISHED_MEMORY) {
      const oldest = this.finished.keys().next().value;
      if (oldest !== undefined) this.finished.delete(oldest);
    }
    const list = this.waiters.get(requestId);
    if (list !== undefined) {
      this.waiters.delete(requestId);
      for (const done of list) done(at);
    }
  }

  /**
   * The deadline passed with no result begun: the platform answered the caller with a timeout. Mirrored as
   * such, once: a result posted later is refused by the Runtime API and never reaches the caller.
   */
  private expire(requestId: string): void {
    const state = this.inflight.get(requestId);
    if (state === undefined || state.result !== undefined) return;
    this.inflight.delete(requestId);
    for (const record of this.encode(state, performance.now())) this.options.onRecord(record);
    this.finish(requestId);
  }

  /** Forgets invocations whose deadline passed without a result (a crashed runtime). */
  private sweep(): void {
    const now = Date.now();
    for (const [id, state] of this.inflight) {
      if (state.deadlineMs + 1000 < now) {
        this.inflight.delete(id);
        this.finish(id);
      }
    }
  }

  private requestOf(state: InvocationState): RequestShape {
    const request = mapEvent(state.event.bytes().toString('utf8'), this.options.functionName);
    if (state.event.truncated) request.originalBytes = state.event.total;
    return request;
  }

  private toRecords(state: InvocationState, timedOutAt?: number): TrafficRecord[] {
    const { options } = this;
    const request = state.request ?? this.requestOf(state);
    const result = state.result;
    const items = request.batch ?? [request];
    let responses: ResponseShape[];
    let outcome: InvocationOutcome;
    if (result === undefined) {
      outcome = 'timeout';
      const message = 'Task timed out';
      responses = items.map((item) => timeoutResponse(item.kind, item.fieldName, message));
    } else {
      const input = {
        kind: result.kind,
        body: result.capture.bytes(),
        requestHeaders: headerMap(result.head.rawHeaders),
        trailers: headerMap(result.trailers),
        eventKind: request.kind,
        ...(request.fieldName !== undefined ? { fieldName: request.fieldName } : {}),
        ...(request.direct === true ? { graphqlErrors: true } : {}),
      };
      const failed =
        result.kind === 'error' || input.trailers['lambda-runtime-function-error-type'] !== undefined;
      outcome = failed ? 'function_error' : 'ok';
      if (request.batch !== undefined) {
        responses = mapBatchResults(
          input,
          request.batch.map((item) => item.fieldName ?? 'result'),
        );
      } else {
        const response = mapResult(input);
        if (result.capture.truncated) response.originalBytes = result.capture.total;
        responses = [response];
      }
    }
    const performance = this.performanceOf(state, outcome, timedOutAt);
    const arn = state.head.header('lambda-runtime-invoked-function-arn');
    const lambdaFunction = functionRefOf(arn, options.functionName, options.functionVersion);
    return items.map((item, i) =>
      buildRecord(item, responses[i]!, {
        functionName: options.functionName,
        maxBodyBytes: options.maxBodyBytes,
        maskHeaders: options.maskHeaders,
        time: state.time,
        lambdaFunction,
        ...(performance !== undefined ? { performance } : {}),
      }),
    );
  }

  /** Handler duration (event handed over → result in), cold start and, on a cold start, the init duration. */
  private performanceOf(
    state: InvocationState,
    outcome: InvocationOutcome,
    timedOutAt: number | undefined,
  ): InvocationPerformance | undefined {
    const end = state.resultAt ?? timedOutAt;
    if (state.deliveredAt === undefined || end === undefined) return undefined;
    const performance: InvocationPerformance = {
      durationMs: Math.round(Math.max(0, end - state.deliveredAt) * 1000) / 1000,
      coldStart: state.coldStart,
      outcome,
    };
    const onDemand = (this.options.initializationType ?? 'on-demand') === 'on-demand';
    if (state.coldStart && onDemand && this.initEndedAt !== undefined)
      performance.initDurationMs = Math.round(this.initEndedAt * 1000) / 1000;
    return performance;
  }
}
