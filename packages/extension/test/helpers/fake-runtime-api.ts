import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake Runtime API received it, bytes and raw headers untouched. */
export interface Received {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
  rawTrailers: string[];
  at: number;
}

interface PendingInvoke {
  requestId: string;
  body: Buffer;
  headers: Record<string, string>;
  resolveResult: (r: Received) => void;
  resolveCycle: (postResponseMs: number) => void;
  resultAt?: number;
  /** The INVOKE event went out to the extension, and the extension has since asked for the next event. */
  delivered?: boolean;
  extensionDone?: boolean;
}

/**
 * A small Runtime API + Extensions API double that records raw requests, so proxy tests can compare
 * bytes and headers exactly as the real service would see them.
 */
export class FakeRuntimeApi {
  readonly received: Received[] = [];
  readonly registrations: { name: string; body: string }[] = [];
  private readonly queue: PendingInvoke[] = [];
  private readonly byId = new Map<string, PendingInvoke>();
  private readonly runtimeWaiters: ServerResponse[] = [];
  private extensionWaiter: ServerResponse | undefined;
  private readonly extensionEvents: { json: string; inv?: PendingInvoke }[] = [];
  private awaitingExtension: PendingInvoke[] = [];
  private registeredResolve: (() => void) | undefined;
  readonly registered: Promise<void>;
  /** Status and body for unknown routes. */
  unknownRoute = { status: 404, body: '{"errorMessage":"unknown route"}' };
  /** When set, /response and /error are answered with this status instead of 202 (e.g. 413). */
  rejectResultsWith: number | undefined;
  /** When set, /response and /error are answered only after this many ms (a slow Runtime API). */
  answerResultsAfterMs: number | undefined;
  /** When the extension called event/next (Date.now()), in order. */
  readonly eventNextCalls: number[] = [];
  /** When each result was answered (Date.now()), in order. */
  readonly resultAnswers: number[] = [];

  private constructor(private readonly server: http.Server) {
    this.registered = new Promise((r) => {
      this.registeredResolve = r;
    });
  }

  static async start(): Promise<FakeRuntimeApi> {
    let api: FakeRuntimeApi | undefined;
    const server = http.createServer((req, res) => api!.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    api = new FakeRuntimeApi(server);
    return api;
  }

  get hostPort(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /**
   * Queues an invocation. `result` resolves with the runtime's /response or /error request;
   * `cycle` resolves when the extension (if registered) has called event/next again, with the
   * post-response time in ms.
   */
  invoke(
    body: Buffer | string,
    headers: Record<string, string> = {},
  ): { requestId: string; result: Promise<Received>; cycle: Promise<number> } {
    const requestId = randomUUID();
    let resolveResult!: (r: Received) => void;
    let resolveCycle!: (ms: number) => void;
    const result = new Promise<Received>((r) => {
      resolveResult = r;
    });
    const cycle = new Promise<number>((r) => {
      resolveCycle = r;
    });
    const pending: PendingInvoke = {
      requestId,
      body: Buffer.isBuffer(body) ? body : Buffer.from(body),
      headers,
      resolveResult,
      resolveCycle,
    };
    this.byId.set(requestId, pending);
    this.queue.push(pending);
    if (this.registrations.length > 0) {
      this.awaitingExtension.push(pending);
      this.sendExtensionEvent(
        JSON.stringify({
          eventType: 'INVOKE',
          requestId,
          deadlineMs: Date.now() + 10_000,
          invokedFunctionArn: 'arn:fake',
        }),
        pending,
      );
    }
    this.dispatch();
    return { requestId, result, cycle };
  }

  shutdown(deadlineMs = Date.now() + 2000): void {
    this.sendExtensionEvent(
      JSON.stringify({ eventType: 'SHUTDOWN', shutdownReason: 'spindown', deadlineMs }),
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private sendExtensionEvent(json: string, inv?: PendingInvoke): void {
    if (this.extensionWaiter !== undefined) {
      const res = this.extensionWaiter;
      this.extensionWaiter = undefined;
      if (inv !== undefined) inv.delivered = true;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(json);
    } else {
      this.extensionEvents.push({ json, ...(inv !== undefined ? { inv } : {}) });
    }
  }

  private dispatch(): void {
    while (this.queue.length > 0 && this.runtimeWaiters.length > 0) {
      const res = this.runtimeWaiters.shift()!;
      const inv = this.queue.shift()!;
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Lambda-Runtime-Aws-Request-Id': inv.requestId,
        'Lambda-Runtime-Deadline-Ms': String(Date.now() + 10_000),
        'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:us-east-1:123456789012:function:fake',
        'Lambda-Runtime-Trace-Id':
          'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
        'Lambda-Runtime-Invocation-Id': `inv-${inv.requestId}`,
        ...inv.headers,
      });
      res.end(inv.body);
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '';
      const body = Buffer.concat(chunks);
      if (url === '/2020-01-01/extension/register') {
        this.registrations.push({
          name: String(req.headers['lambda-extension-name']),
          body: body.toString('utf8'),
        });
        res.writeHead(200, { 'Lambda-Extension-Identifier': 'ext-1', 'content-type': 'application/json' });
        res.end('{}');
        this.registeredResolve?.();
        return;
      }
      if (url === '/2020-01-01/extension/event/next') {
        const now = Date.now();
        this.eventNextCalls.push(now);
        // The extension is ready again: every invocation whose result is in has finished its cycle.
        this.awaitingExtension = this.awaitingExtension.filter((inv) => {
          if (!inv.delivered) return true;
          if (inv.resultAt === undefined) {
            inv.extensionDone = true; // the extension finished before the runtime did
            return false;
          }
          inv.resolveCycle(now - inv.resultAt);
          return false;
        });
        const queued = this.extensionEvents.shift();
        if (queued !== undefined) {
          if (queued.inv !== undefined) queued.inv.delivered = true;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(queued.json);
        } else {
          this.extensionWaiter = res;
        }
        return;
      }
      const received: Received = {
        method: req.method ?? '',
        url,
        rawHeaders: req.rawHeaders,
        body,
        rawTrailers: req.rawTrailers,
        at: Date.now(),
      };
      this.received.push(received);
      if (req.method === 'GET' && url === '/2018-06-01/runtime/invocation/next') {
        this.runtimeWaiters.push(res);
        res.on('close', () => {
          const i = this.runtimeWaiters.indexOf(res);
          if (i >= 0) this.runtimeWaiters.splice(i, 1);
        });
        this.dispatch();
        return;
      }
      const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
      if (req.method === 'POST' && m) {
        const inv = this.byId.get(m[1]!);
        if (inv === undefined) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end('{"errorMessage":"unknown request id","errorType":"InvalidRequestID"}');
          return;
        }
        const answer = (): void => {
          if (this.rejectResultsWith !== undefined) {
            res.writeHead(this.rejectResultsWith, { 'content-type': 'application/json' });
            res.end('{"errorMessage":"rejected","errorType":"RequestEntityTooLarge"}');
          } else {
            res.writeHead(202, { 'content-type': 'application/json', 'x-fake-upstream': 'yes' });
            res.end('{"status":"OK"}');
          }
          inv.resultAt = Date.now();
          this.resultAnswers.push(inv.resultAt);
          inv.resolveResult(received);
          if (this.registrations.length === 0 || inv.extensionDone) inv.resolveCycle(0);
        };
        if (this.answerResultsAfterMs === undefined) answer();
        else setTimeout(answer, this.answerResultsAfterMs);
        return;
      }
      res.writeHead(this.unknownRoute.status, { 'content-type': 'application/json', 'x-unknown-route': url });
      res.end(this.unknownRoute.body);
    });
  }
}

/** Raw HTTP client for acting as the runtime through the proxy. */
export function rawRequest(
  hostPort: string,
  options: {
    method: string;
    path: string;
    headers?: http.OutgoingHttpHeaders | string[];
    body?: Buffer | string;
    trailers?: [string, string][];
  },
): Promise<{
  status: number;
  statusMessage: string;
  rawHeaders: string[];
  body: Buffer;
  rawTrailers: string[];
}> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host,
        port: Number(port),
        method: options.method,
        path: options.path,
        headers: options.headers as http.OutgoingHttpHeaders,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? '',
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
            rawTrailers: res.rawTrailers,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.trailers !== undefined) {
      if (options.body !== undefined) req.write(options.body);
      req.addTrailers(options.trailers);
      req.end();
    } else {
      req.end(options.body);
    }
  });
}

export function header(raw: string[], name: string): string | undefined {
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name.toLowerCase()) return raw[i + 1];
  return undefined;
}
