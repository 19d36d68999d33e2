import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ByteCapture } from './byte-capture.js';
import type { Logger } from './logger.js';

/** What the proxy asks of the tap; every method is cheap and synchronous (the hot path). */
export interface ProxyTap {
  /** Called when `invocation/next` answers 200; returns a capture for the event body, or undefined to skip. */
  eventStarted(requestId: string, upstreamRes: IncomingMessage): ByteCapture | undefined;
  eventDelivered(requestId: string): void;
  /** Called when the runtime posts `/response` or `/error`; returns a capture for the body, or undefined. */
  resultStarted(requestId: string, kind: 'response' | 'error', req: IncomingMessage): ByteCapture | undefined;
  /** Called once the whole `/response` or `/error` body (and trailers) has been handed to the upstream. */
  resultForwarded(requestId: string, kind: 'response' | 'error', req: IncomingMessage): void;
  /** The upstream's status for that result (0 when it never answered): only accepted results are mirrored. */
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

function splitHostPort(hostPort: string): { host: string; port: number } {
  const i = hostPort.lastIndexOf(':');
  if (i < 0) return { host: hostPort, port: 80 };
  const host = hostPort.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(hostPort.slice(i + 1)) || 80 };
}

/**
 * A byte-for-byte Runtime API proxy: method, path, status, raw headers, bodies and trailers are streamed
 * through unchanged. The tap only copies bytes; nothing on this path parses JSON.
 */
export function startRuntimeProxy(options: RuntimeProxyOptions): Promise<RuntimeProxy> {
  const { tap, log } = options;
  const target = splitHostPort(options.upstream);
  // Long polls (`invocation/next`) hold a socket each; concurrency runtimes need several.
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 64 });

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const result = method === 'POST' ? RESULT_PATH.exec(url) : null;
    const resultId = result ? decodeURIComponent(result[1]!) : undefined;
    const resultKind = result ? (result[2] as 'response' | 'error') : undefined;
    const isNext = method === 'GET' && (url === NEXT_PATH || url.startsWith(`${NEXT_PATH}?`));

    const upstreamReq = http.request({
      host: target.host,
      port: target.port,
      method,
      path: url,
      headers: req.rawHeaders,
      agent,
      setHost: false,
    });

    // Small writes (headers, then body, then end) must not wait on Nagle + delayed ACK.
    upstreamReq.on('socket', (socket) => socket.setNoDelay(true));

    let requestCapture: ByteCapture | undefined;
    if (resultId !== undefined && resultKind !== undefined) {
      requestCapture = tap.resultStarted(resultId, resultKind, req);
    }

    let acknowledged = false;
    const acknowledge = (status: number): void => {
      if (acknowledged || resultId === undefined) return;
      acknowledged = true;
      tap.resultAcknowledged(resultId, status);
    };
    upstreamReq.on('close', () => acknowledge(0));

    upstreamReq.on('response', (upstreamRes) => {
      acknowledge(upstreamRes.statusCode ?? 0);
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, upstreamRes.rawHeaders);
      let eventCapture: ByteCapture | undefined;
      let eventId: string | undefined;
      if (isNext && upstreamRes.statusCode === 200) {
        const id = upstreamRes.headers['lambda-runtime-aws-request-id'];
        if (typeof id === 'string' && id !== '') {
          eventId = id;
          eventCapture = tap.eventStarted(id, upstreamRes);
        }
      }
      upstreamRes.on('data', (chunk: Buffer) => {
        eventCapture?.push(chunk);
        if (!res.write(chunk)) {
          upstreamRes.pause();
          res.once('drain', () => upstreamRes.resume());
        }
      });
      upstreamRes.on('end', () => {
        if (upstreamRes.rawTrailers.length > 0) res.addTrailers(pairs(upstreamRes.rawTrailers));
        res.end();
        if (eventId !== undefined) tap.eventDelivered(eventId);
      });
      upstreamRes.on('error', () => res.destroy());
    });

    upstreamReq.on('error', (error) => {
      log.warnLimited('upstream-error', 'Runtime API upstream request failed', {
        upstream: options.upstream,
        error: error.message,
      });
      if (!res.headersSent) {
        const body = JSON.stringify({
          errorType: 'Tapline.UpstreamUnavailable',
          errorMessage: error.message,
        });
        res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      } else {
        res.destroy();
      }
    });

    req.on('data', (chunk: Buffer) => {
      requestCapture?.push(chunk);
      if (!upstreamReq.write(chunk)) {
        req.pause();
        upstreamReq.once('drain', () => req.resume());
      }
    });
    req.on('end', () => {
      if (req.rawTrailers.length > 0) upstreamReq.addTrailers(pairs(req.rawTrailers));
      upstreamReq.end();
      // The result is on its way upstream: mirroring can start without waiting for the 202.
      if (resultId !== undefined && resultKind !== undefined) tap.resultForwarded(resultId, resultKind, req);
    });
    req.on('error', () => upstreamReq.destroy());
    res.on('close', () => {
      // The runtime went away (or we finished): never leave a long poll dangling upstream.
      if (!res.writableFinished) upstreamReq.destroy();
    });
  };

  const server = http.createServer(
    { keepAliveTimeout: 0, requestTimeout: 0, headersTimeout: 0, noDelay: true },
    handle,
  );
  server.keepAliveTimeout = 0;
  server.timeout = 0;

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            agent.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}
