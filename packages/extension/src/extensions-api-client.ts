import { ExtensionError, ExtensionErrorCode } from './errors.js';
import { HttpClient, type HttpResult } from './http/http-client.js';

export type ExtensionEvent =
  | { eventType: 'INVOKE'; requestId: string; deadlineMs: number; invokedFunctionArn?: string }
  | { eventType: 'SHUTDOWN'; shutdownReason?: string; deadlineMs: number };

const BASE = '/2020-01-01/extension';

/** The Extensions API: register once, then long-poll `event/next`. */
export class ExtensionsApiClient {
  private readonly client: HttpClient;
  private readonly host: string;
  private nextHead = '';

  constructor(hostPort: string) {
    const i = hostPort.lastIndexOf(':');
    const host = i < 0 ? hostPort : hostPort.slice(0, i);
    const port = i < 0 ? 80 : Number(hostPort.slice(i + 1)) || 80;
    this.host = hostPort;
    this.client = new HttpClient({ host, port, maxSockets: 2 });
  }

  async register(name: string, events: ('INVOKE' | 'SHUTDOWN')[]): Promise<string> {
    const body = Buffer.from(JSON.stringify({ events }));
    const res = await this.call(
      'register',
      [
        `POST ${BASE}/register HTTP/1.1`,
        `Host: ${this.host}`,
        `Lambda-Extension-Name: ${name}`,
        'Content-Type: application/json',
        `Content-Length: ${body.length}`,
      ].join('\r\n'),
      body,
    );
    const id = res.head.header('lambda-extension-identifier');
    if (res.status !== 200 || id === undefined || id === '') {
      throw new ExtensionError(
        ExtensionErrorCode.Register,
        `register answered ${res.status}: ${res.body.toString('utf8', 0, 200)}`,
      );
    }
    // The long poll is the same request every time: built once.
    this.nextHead = [
      `GET ${BASE}/event/next HTTP/1.1`,
      `Host: ${this.host}`,
      `Lambda-Extension-Identifier: ${id}`,
    ].join('\r\n');
    return id;
  }

  async next(): Promise<ExtensionEvent> {
    const res = await this.call('event/next', this.nextHead, undefined);
    if (res.status !== 200) {
      throw new ExtensionError(
        ExtensionErrorCode.EventLoop,
        `event/next answered ${res.status}: ${res.body.toString('utf8', 0, 200)}`,
      );
    }
    const event = JSON.parse(res.body.toString('utf8')) as ExtensionEvent;
    if (event.eventType !== 'INVOKE' && event.eventType !== 'SHUTDOWN') {
      throw new ExtensionError(
        ExtensionErrorCode.EventLoop,
        `unknown event type ${String((event as { eventType?: unknown }).eventType)}`,
      );
    }
    return event;
  }

  close(): void {
    this.client.destroy();
  }

  private async call(
    what: string,
    head: string,
    body: Buffer | undefined,
  ): Promise<Extract<HttpResult, { ok: true }>> {
    const res = await this.client.request(head, body);
    if (!res.ok)
      throw new ExtensionError(ExtensionErrorCode.EventLoop, `Extensions API ${what} failed`, {
        cause: res.error,
      });
    return res;
  }
}
