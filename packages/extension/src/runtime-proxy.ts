import net from 'node:net';
import type { ByteCapture } from './byte-capture.js';
import { MessageFramer, type MessageHead } from './http/message-framer.js';
import { type UpstreamOwner, UpstreamPool, type UpstreamSocket } from './http/upstream-pool.js';
import type { Logger } from './logger.js';

/** What the proxy asks of the tap; every method is cheap and synchronous (the hot path). */
export interface ProxyTap {
  /** Called once, at the runtime's first `invocation/next`: its init is over. */
  runtimePolled?(): void;
  /** Called when `invocation/next` answers 200; returns a capture for the event body, or undefined to skip. */
  eventStarted(requestId: string, response: MessageHead): ByteCapture | undefined;
  eventDelivered(requestId: string): void;
  /** Called when the runtime posts `/response` or `/error`; returns a capture for the body, or undefined. */
  resultStarted(requestId: string, kind: 'response' | 'error', request: MessageHead): ByteCapture | undefined;
  /** Called once the whole `/response` or `/error` body (and trailers) has been handed to the upstream. */
  resultForwarded(requestId: string, kind: 'response' | 'error', trailers: readonly string[]): void;
  /**
   * The upstream's status for that result (0 when it never answered). A result the Runtime API could
   * refuse (over 6 MB, streamed, late, stale id) is mirrored only once this says it was accepted.
   */
  resultAcknowledged(requestId: string, status: number): void;
}

const NEXT_PATH = '/2018-06-01/runtime/invocation/next';
const RESULT_PATH = /^\/2018-06-01\/runtime\/invocation\/([^/?]+)\/(response|error)(?:\?.*)?$/;

export interface RuntimeProxy {
  readonly port: number;
  close(): Promise<void>;
}

export interface RuntimeProxyOptions {
  port: number;
  host?: string;
  upstream: string;
  tap: ProxyTap;
  log: Logger;
}

interface ProxyContext {
  /** Whether the runtime has called `invocation/next` yet. */
  polled: boolean;
  readonly pool: UpstreamPool;
  readonly tap: ProxyTap;
  readonly log: Logger;
  readonly upstream: string;
}

function splitHostPort(hostPort: string): { host: string; port: number } {
  const i = hostPort.lastIndexOf(':');
  if (i < 0) return { host: hostPort, port: 80 };
  const host = hostPort.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(hostPort.slice(i + 1)) || 80 };
}

/** The request id in a result path; kept as sent when it is not valid percent-encoding (it must not throw). */
function decodeRequestId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function errorResponse(status: number, reason: string, errorType: string, message: string): Buffer {
  const body = JSON.stringify({ errorType, errorMessage: message });
  const head = [
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  head.push('', body);
  return Buffer.from(head.join('\r\n'));
}

/**
 * One request from the runtime and the upstream's answer. Bytes go through verbatim in both
 * directions (one write per chunk received); the framers only find where messages end and hand the
 * decoded bodies of `next` and `/response|/error` to the tap.
 */
class Exchange implements UpstreamOwner {
  private readonly upstream: UpstreamSocket;
  private readonly responseFramer: MessageFramer;
  private readonly resultId: string | undefined;
  private readonly resultKind: 'response' | 'error' | undefined;
  private readonly isNext: boolean;
  private requestCapture: ByteCapture | undefined;
  private eventCapture: ByteCapture | undefined;
  private eventId: string | undefined;
  private acknowledged = false;
  private answered = false;
  private responseStarted = false;
  requestEnded = false;
  private responseEnded = false;
  private closeDownstreamAfter = false;

  constructor(
    private readonly downstream: DownstreamConnection,
    private readonly head: MessageHead,
    private readonly ctx: ProxyContext,
  ) {
    const { method, target } = head;
    const result = method === 'POST' ? RESULT_PATH.exec(target) : null;
    this.resultId = result ? decodeRequestId(result[1]!) : undefined;
    this.resultKind = result ? (result[2] as 'response' | 'error') : undefined;
    this.isNext = method === 'GET' && (target === NEXT_PATH || target.startsWith(`${NEXT_PATH}?`));
    if (this.isNext && !ctx.polled) {
      ctx.polled = true;
      ctx.tap.runtimePolled?.();
    }
    if (this.resultId !== undefined && this.resultKind !== undefined)
      this.requestCapture = ctx.tap.resultStarted(this.resultId, this.resultKind, head);
    this.responseFramer = new MessageFramer('response', {
      onHead: (response) => this.onResponseHead(response),
      onData: (data) => this.eventCapture?.push(data),
    });
    this.responseFramer.noBody = method === 'HEAD';
    this.upstream = ctx.pool.acquire(this);
  }

  /** Decoded request body bytes, for the tap. */
  captureRequest(data: Buffer): void {
    this.requestCapture?.push(data);
  }

  forwardRequest(bytes: Buffer): void {
    if (bytes.length === 0 || this.upstream.socket.destroyed) return;
    if (!this.upstream.socket.write(bytes)) {
      this.downstream.socket.pause();
      this.upstream.socket.once('drain', () => this.downstream.socket.resume());
    }
  }

  endRequest(trailers: readonly string[]): void {
    this.requestEnded = true;
    // The result is on its way upstream: mirroring can start without waiting for the 202.
    if (this.resultId !== undefined && this.resultKind !== undefined)
      this.ctx.tap.resultForwarded(this.resultId, this.resultKind, trailers);
    this.maybeFinish();
  }

  /** Bytes from the upstream socket. */
  onUpstreamData(chunk: Buffer): void {
    let at = 0;
    const framer = this.responseFramer;
    while (at < chunk.length) {
      if (this.responseEnded) {
        // Bytes after a complete answer: the upstream is out of step; do not reuse it.
        this.upstream.socket.destroy();
        return;
      }
      const headPending = !framer.headDone;
      const end = framer.push(chunk, at);
      if (end < 0) {
        this.ctx.log.warnLimited('upstream-framing', 'Runtime API answer is not valid HTTP/1.1', {
          error: framer.error,
        });
        this.upstreamFailed(new Error(framer.error));
        return;
      }
      const start = at;
      at = end;
      // Bytes of a head still incomplete stay in the framer: they go out with the whole head (`raw`).
      if (headPending && !framer.headDone) continue;
      const head = headPending ? framer.head!.raw : undefined;
      this.toDownstream(head, chunk.subarray(headPending ? framer.bodyOffset : start, end));
      if (framer.complete) {
        const status = framer.head!.status;
        if (status >= 100 && status < 200 && status !== 101) {
          framer.reset(); // interim answer (100 Continue): the final one follows
          framer.noBody = this.head.method === 'HEAD';
          continue;
        }
        this.endResponse();
      }
    }
  }

  /** The upstream closed its socket. */
  onUpstreamClose(error: Error | undefined): void {
    if (this.responseEnded) return;
    if (this.responseFramer.untilClose && this.responseFramer.endOfStream()) {
      this.closeDownstreamAfter = true;
      this.endResponse();
      return;
    }
    this.upstreamFailed(error ?? new Error('upstream closed the connection'));
  }

  /** The runtime went away mid-exchange: never leave a long poll dangling upstream. */
  abort(): void {
    this.acknowledge(0);
    if (this.answered) return;
    this.answered = true;
    this.responseEnded = true;
    this.ctx.pool.release(this.upstream, false);
  }

  private toDownstream(head: Buffer | undefined, body: Buffer): void {
    const socket = this.downstream.socket;
    if (socket.destroyed) return;
    this.responseStarted = true;
    let ok: boolean;
    if (head !== undefined && body.length > 0) {
      socket.cork();
      socket.write(head);
      ok = socket.write(body);
      socket.uncork();
    } else if (head !== undefined) ok = socket.write(head);
    else if (body.length > 0) ok = socket.write(body);
    else return;
    if (!ok) {
      this.upstream.socket.pause();
      socket.once('drain', () => this.upstream.socket.resume());
    }
  }

  private onResponseHead(response: MessageHead): void {
    const status = response.status;
    if (status < 200) return;
    this.acknowledge(status);
    if (response.header('connection')?.toLowerCase().includes('close')) this.closeDownstreamAfter = true;
    if (this.isNext && status === 200) {
      const id = response.header('lambda-runtime-aws-request-id');
      if (id !== undefined && id !== '') {
        this.eventId = id;
        this.eventCapture = this.ctx.tap.eventStarted(id, response);
      }
    }
  }

  private acknowledge(status: number): void {
    if (this.acknowledged || this.resultId === undefined) return;
    this.acknowledged = true;
    this.ctx.tap.resultAcknowledged(this.resultId, status);
  }

  private endResponse(): void {
    this.responseEnded = true;
    if (this.eventId !== undefined) this.ctx.tap.eventDelivered(this.eventId);
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (!this.requestEnded || !this.responseEnded || this.answered) return;
    this.answered = true;
    const reusable = !this.closeDownstreamAfter && !this.responseFramer.untilClose;
    this.ctx.pool.release(this.upstream, reusable);
    this.downstream.exchangeDone(this.closeDownstreamAfter);
  }

  private upstreamFailed(error: Error): void {
    this.acknowledge(0);
    this.responseEnded = true;
    this.answered = true;
    this.ctx.pool.release(this.upstream, false);
    this.ctx.log.warnLimited('upstream-error', 'Runtime API upstream request failed', {
      upstream: this.ctx.upstream,
      error: error.message,
    });
    if (this.responseStarted) this.downstream.socket.destroy();
    else
      this.downstream.fail(errorResponse(502, 'Bad Gateway', 'Tapline.UpstreamUnavailable', error.message));
  }
}

/** A connection from the runtime. Requests are handled one at a time, in order. */
class DownstreamConnection {
  private readonly framer: MessageFramer;
  private exchange: Exchange | undefined;
  /** Bytes of a following request that arrived before the current answer ended. */
  private backlog: Buffer | undefined;

  constructor(
    readonly socket: net.Socket,
    ctx: ProxyContext,
  ) {
    this.framer = new MessageFramer('request', {
      onHead: (head) => {
        this.exchange = new Exchange(this, head, ctx);
      },
      onData: (data) => this.exchange?.captureRequest(data),
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.exchange?.abort());
  }

  private onData(chunk: Buffer): void {
    if (this.backlog !== undefined) {
      this.backlog = Buffer.concat([this.backlog, chunk]);
      return;
    }
    this.consume(chunk, 0);
  }

  private consume(chunk: Buffer, start: number): void {
    const framer = this.framer;
    let at = start;
    while (at < chunk.length) {
      if (this.exchange?.requestEnded === true) {
        // Pipelined: keep the next request until this answer is complete.
        this.backlog = chunk.subarray(at);
        this.socket.pause();
        return;
      }
      const headPending = !framer.headDone;
      const end = framer.push(chunk, at);
      if (end < 0) {
        this.fail(
          errorResponse(400, 'Bad Request', 'Tapline.BadRequest', framer.error ?? 'malformed request'),
        );
        return;
      }
      const exchange = this.exchange;
      if (exchange !== undefined) {
        if (headPending && framer.headDone) {
          // Head and the body bytes after it go out in one write.
          exchange.forwardRequest(
            framer.bodyOffset < end
              ? Buffer.concat([framer.head!.raw, chunk.subarray(framer.bodyOffset, end)])
              : framer.head!.raw,
          );
        } else exchange.forwardRequest(chunk.subarray(at, end));
        if (framer.complete) {
          const trailers = framer.trailers;
          framer.reset();
          exchange.endRequest(trailers);
        }
      }
      at = end;
    }
  }

  exchangeDone(closeAfter: boolean): void {
    this.exchange = undefined;
    if (closeAfter) {
      this.socket.end();
      return;
    }
    const backlog = this.backlog;
    if (backlog !== undefined) {
      this.backlog = undefined;
      this.socket.resume();
      this.consume(backlog, 0);
    }
  }

  /** Answers with `response` (when nothing was sent yet) and closes: the stream cannot be resynchronised. */
  fail(response: Buffer): void {
    this.exchange?.abort();
    this.exchange = undefined;
    if (!this.socket.destroyed) this.socket.end(response);
  }
}

/**
 * A byte-for-byte Runtime API proxy on plain sockets: request and status lines, headers in their
 * original spelling and order, bodies, chunk framing and trailers are forwarded as received. Nothing
 * on this path parses JSON or builds per-request objects beyond the two heads.
 */
export function startRuntimeProxy(options: RuntimeProxyOptions): Promise<RuntimeProxy> {
  const target = splitHostPort(options.upstream);
  const ctx: ProxyContext = {
    polled: false,
    pool: new UpstreamPool(target.host, target.port),
    tap: options.tap,
    log: options.log,
    upstream: options.upstream,
  };
  const connections = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    new DownstreamConnection(socket, ctx);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of connections) socket.destroy();
            ctx.pool.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
