import { createRequire } from 'node:module';
import net from 'node:net';
import type tlsModule from 'node:tls';
import { MessageFramer, type MessageHead } from './message-framer.js';

export interface HttpClientOptions {
  host: string;
  port: number;
  /** TLS settings for https origins; plain TCP when absent. */
  tls?: { rejectUnauthorized: boolean };
  /** Connections kept at most (long polls hold one each). */
  maxSockets?: number;
}

/** The outcome of one request: a value, never an exception. */
export type HttpResult =
  | { ok: true; status: number; head: MessageHead; body: Buffer }
  | { ok: false; error: NodeJS.ErrnoException };

/** Bodies up to this size are copied behind their head, for one write call. */
const COPY_MAX_BYTES = 16 * 1024;

/** node:tls costs milliseconds to load, paid in every cold start: loaded only for https origins. */
let tls: typeof tlsModule | undefined;
function loadTls(): typeof tlsModule {
  tls ??= createRequire(import.meta.url)('node:tls') as typeof tlsModule;
  return tls;
}

interface Pending {
  resolve: (result: HttpResult) => void;
  chunks: Buffer[];
  timer: NodeJS.Timeout | undefined;
}

class Connection {
  readonly socket: net.Socket;
  private readonly framer: MessageFramer;
  pending: Pending | undefined;
  private failure: Error | undefined;
  /** The request in flight is a HEAD: its answer announces a body that never comes. */
  private headRequest = false;

  constructor(
    options: HttpClientOptions,
    private readonly onIdle: (c: Connection) => void,
    private readonly onClose: (c: Connection) => void,
  ) {
    this.socket =
      options.tls === undefined
        ? net.connect({ host: options.host, port: options.port, noDelay: true })
        : loadTls().connect({
            host: options.host,
            port: options.port,
            rejectUnauthorized: options.tls.rejectUnauthorized,
            ALPNProtocols: ['http/1.1'],
            ...(net.isIP(options.host) === 0 ? { servername: options.host } : {}),
          });
    this.socket.setNoDelay(true);
    this.framer = new MessageFramer('response', {
      onHead: () => {},
      onData: (data) => this.pending?.chunks.push(data),
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (error) => {
      this.failure = error;
    });
    this.socket.on('close', () => {
      if (this.framer.untilClose && this.framer.endOfStream()) this.settle(true);
      this.fail(this.failure ?? Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      this.onClose(this);
    });
  }

  send(bytes: readonly Buffer[], pending: Pending, headRequest: boolean): void {
    this.pending = pending;
    this.headRequest = headRequest;
    this.framer.noBody = headRequest;
    if (bytes.length === 1) {
      this.socket.write(bytes[0]!);
      return;
    }
    this.socket.cork();
    for (const part of bytes) this.socket.write(part);
    this.socket.uncork();
  }

  fail(error: NodeJS.ErrnoException): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve({ ok: false, error });
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.pending === undefined) {
      this.socket.destroy(); // an answer nobody asked for
      return;
    }
    let at = 0;
    while (at < chunk.length && this.pending !== undefined) {
      const end = this.framer.push(chunk, at);
      if (end < 0) {
        this.fail(Object.assign(new Error(`invalid HTTP answer: ${this.framer.error}`), { code: 'EPROTO' }));
        return;
      }
      at = end;
      if (this.framer.complete) {
        const status = this.framer.head!.status;
        if (status >= 100 && status < 200) {
          this.framer.reset();
          this.framer.noBody = this.headRequest;
        } else this.settle(false);
      }
    }
    // Bytes after the answer: the server is out of step, so this connection must not be reused.
    if (at < chunk.length) this.socket.destroy();
  }

  private settle(closing: boolean): void {
    const pending = this.pending;
    const head = this.framer.head;
    if (pending === undefined || head === undefined) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    const reusable = !closing && !/close/i.test(head.header('connection') ?? '');
    this.framer.reset();
    const body = pending.chunks.length === 1 ? pending.chunks[0]! : Buffer.concat(pending.chunks);
    if (reusable) this.onIdle(this);
    else this.socket.destroy();
    pending.resolve({ ok: true, status: head.status, head, body });
  }
}

/**
 * A keep-alive HTTP/1.1 client for one origin on plain sockets: one request per connection at a
 * time, the request written in a single call. It serves the extension's hot path (Extensions API
 * long polls, collector posts), where node:http's per-request objects cost more than the syscalls.
 */
export class HttpClient {
  private readonly idle: Connection[] = [];
  private readonly open = new Set<Connection>();
  private readonly maxSockets: number;

  constructor(private readonly options: HttpClientOptions) {
    this.maxSockets = options.maxSockets ?? 8;
  }

  /** Sends `head` (request line and header lines, without the blank line) and `body`. */
  request(head: string, body: Buffer | undefined, timeoutMs?: number): Promise<HttpResult> {
    return new Promise((resolve) => {
      const conn = this.take();
      if (conn === undefined) {
        resolve({ ok: false, error: Object.assign(new Error('too many open requests'), { code: 'EBUSY' }) });
        return;
      }
      const pending: Pending = { resolve, chunks: [], timer: undefined };
      if (timeoutMs !== undefined) {
        pending.timer = setTimeout(
          () => conn.fail(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })),
          Math.max(1, timeoutMs),
        );
        pending.timer.unref();
      }
      const headBytes = Buffer.from(`${head}\r\n\r\n`, 'latin1');
      // Small requests go out in one write; a large body is not copied just to sit behind its head.
      const bytes =
        body === undefined || body.length === 0
          ? [headBytes]
          : body.length <= COPY_MAX_BYTES
            ? [Buffer.concat([headBytes, body])]
            : [headBytes, body];
      conn.send(bytes, pending, head.startsWith('HEAD '));
    });
  }

  destroy(): void {
    for (const conn of this.open) conn.socket.destroy();
    this.idle.length = 0;
  }

  private take(): Connection | undefined {
    let conn = this.idle.pop();
    while (conn?.socket.destroyed) conn = this.idle.pop();
    if (conn !== undefined) return conn;
    if (this.open.size >= this.maxSockets) return undefined;
    conn = new Connection(
      this.options,
      (c) => this.idle.push(c),
      (c) => {
        this.open.delete(c);
        const i = this.idle.indexOf(c);
        if (i >= 0) this.idle.splice(i, 1);
      },
    );
    this.open.add(conn);
    return conn;
  }
}
