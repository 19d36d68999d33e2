import { encodeWireRecord, type HeaderMap, type TrafficRecord } from '@tapline/contracts';
import { ByteCapture } from './byte-capture.js';
import { mapEvent, type RequestShape } from './event-mapping/index.js';
import type { MessageHead } from './http/message-framer.js';
import type { Logger } from './logger.js';
import type { EncodedRecord } from './mirror-queue.js';
import { buildRecord } from './record-builder.js';
import { mapResult } from './response-mapping.js';
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
}

interface InvocationState {
  event: ByteCapture;
  /** The `Lambda-Runtime-Invocation-Id` the event came with (a runtime may echo it with its result). */
  invocationId: string | undefined;
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
  private readonly completing = new Map<string, { record?: EncodedRecord | null; status?: number }>();
  private readonly waiters = new Map<string, ((forwardedAt: number | undefined) => void)[]>();
  private readonly random: () => number;
  /** Told how many bytes each invocation captured (memory housekeeping). */
  onCapturedBytes: ((bytes: number) => void) | undefined;

  constructor(private readonly options: InvocationTapOptions) {
    this.random = options.random ?? Math.random;
  }

  get inflightCount(): number {
    return this.inflight.size;
  }

  eventStarted(requestId: string, response: MessageHead): ByteCapture | undefined {
    this.finished.delete(requestId);
    if (!this.options.enabled) return undefined;
    this.sweep();
    if (this.options.sampleRate < 1 && this.random() >= this.options.sampleRate) return undefined;
    const deadline = Number(response.header('lambda-runtime-deadline-ms'));
    const state: InvocationState = {
      event: new ByteCapture(Math.max(ENVELOPE_CAP, this.options.maxBodyBytes)),
      invocationId: response.header('lambda-runtime-invocation-id'),
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
    this.forwardedAt.set(requestId, performance.now());
    const state = this.inflight.get(requestId);
    this.inflight.delete(requestId);
    const result = state?.result;
    if (result === undefined || result.kind !== kind) {
      this.finish(requestId);
      return;
    }
    result.trailers = trailers;
    this.onCapturedBytes?.(state!.event.total + result.capture.total);
    if (result.acceptable && result.capture.total <= MAX_ACCEPTED_RESULT) {
      // The bytes are already upstream: mirroring now lets the collector round trip overlap the
      // Runtime API's answer instead of following it.
      const record = this.encode(state!);
      if (record !== undefined) {
        remember(this.mirroredEarly, requestId);
        this.options.onRecord(record);
      }
      this.finish(requestId);
      return;
    }
    const pending: { record?: EncodedRecord | null; status?: number } = {};
    this.completing.set(requestId, pending);
    // Off the response path: the runtime's bytes are already on their way upstream.
    setImmediate(() => {
      pending.record = this.encode(state!) ?? null;
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

  /** The record's wire JSON; undefined (logged) when the invocation cannot be mapped. */
  private encode(state: InvocationState): EncodedRecord | undefined {
    try {
      return { json: encodeWireRecord(this.toRecord(state)) };
    } catch (error) {
      this.options.log.warnLimited('mapping-error', 'could not map an invocation; not mirrored', {
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
  }

  /** Mirrors a result that had to wait, once it is mapped and the Runtime API accepted it (a refused one never reached the caller). */
  private complete(requestId: string): void {
    const pending = this.completing.get(requestId);
    if (pending === undefined || pending.status === undefined) return;
    if (pending.record === undefined) return;
    this.completing.delete(requestId);
    if (pending.record !== null) {
      if (pending.status >= 200 && pending.status < 300) this.options.onRecord(pending.record);
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
      const timer = setTimeout(() => done(undefined), Math.max(0, deadlineMs - Date.now()));
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

  private toRecord(state: InvocationState): TrafficRecord {
    const { options } = this;
    const result = state.result!;
    const request = state.request ?? this.requestOf(state);
    const response = mapResult({
      kind: result.kind,
      body: result.capture.bytes(),
      requestHeaders: headerMap(result.head.rawHeaders),
      trailers: headerMap(result.trailers),
      eventKind: request.kind,
      ...(request.fieldName !== undefined ? { fieldName: request.fieldName } : {}),
    });
    if (result.capture.truncated) response.originalBytes = result.capture.total;
    return buildRecord(request, response, {
      functionName: options.functionName,
      maxBodyBytes: options.maxBodyBytes,
      maskHeaders: options.maskHeaders,
      time: state.time,
    });
  }
}
