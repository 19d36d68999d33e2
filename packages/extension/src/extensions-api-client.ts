import http from 'node:http';
import { ExtensionError, ExtensionErrorCode } from './errors.js';

export type ExtensionEvent =
  | { eventType: 'INVOKE'; requestId: string; deadlineMs: number; invokedFunctionArn?: string }
  | { eventType: 'SHUTDOWN'; shutdownReason?: string; deadlineMs: number };

const BASE = '/2020-01-01/extension';

/** The Extensions API: register once, then long-poll `event/next`. */
export class ExtensionsApiClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  private identifier: string | undefined;

  constructor(private readonly hostPort: string) {}

  async register(name: string, events: ('INVOKE' | 'SHUTDOWN')[]): Promise<string> {
    const res = await this.call(
      'POST',
      `${BASE}/register`,
      { 'Lambda-Extension-Name': name },
      JSON.stringify({ events }),
    );
    const id = res.headers['lambda-extension-identifier'];
    if (res.status !== 200 || typeof id !== 'string' || id === '') {
      throw new ExtensionError(
        ExtensionErrorCode.Register,
        `register answered ${res.status}: ${res.body.slice(0, 200)}`,
      );
    }
    this.identifier = id;
    return id;
  }

  async next(): Promise<ExtensionEvent> {
    const res = await this.call('GET', `${BASE}/event/next`, {
      'Lambda-Extension-Identifier': this.identifier ?? '',
    });
    if (res.status !== 200) {
      throw new ExtensionError(
        ExtensionErrorCode.EventLoop,
        `event/next answered ${res.status}: ${res.body.slice(0, 200)}`,
      );
    }
    const event = JSON.parse(res.body) as ExtensionEvent;
    if (event.eventType !== 'INVOKE' && event.eventType !== 'SHUTDOWN') {
      throw new ExtensionError(
        ExtensionErrorCode.EventLoop,
        `unknown event type ${String((event as { eventType?: unknown }).eventType)}`,
      );
    }
    return event;
  }

  close(): void {
    this.agent.destroy();
  }

  private call(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    const [host, port] = splitHostPort(this.hostPort);
    return new Promise((resolve, reject) => {
      const req = http.request({ host, port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      });
      req.on('socket', (socket) => socket.setNoDelay(true));
      req.on('error', (cause) =>
        reject(
          new ExtensionError(ExtensionErrorCode.EventLoop, `Extensions API ${method} ${path} failed`, {
            cause,
          }),
        ),
      );
      req.end(body);
    });
  }
}

function splitHostPort(hostPort: string): [string, number] {
  const i = hostPort.lastIndexOf(':');
  return i < 0 ? [hostPort, 80] : [hostPort.slice(0, i), Number(hostPort.slice(i + 1)) || 80];
}
