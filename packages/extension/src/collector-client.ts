import { HttpClient } from './http/http-client.js';

/** The outcome of one POST: a value, never an exception. */
export type SendResult =
  | { kind: 'ok' }
  | { kind: 'failed'; reason: string; status?: number }
  | { kind: 'retryable'; reason: string; status?: number };

export interface CollectorClient {
  /**
   * `body` as a Buffer lets Node write headers and body separately (a string would be concatenated).
   * `idempotencyKey` goes out as the `Idempotency-Key` header: the same on every retry of a batch, so a
   * collector that stores by it keeps a retried batch once.
   */
  send(body: Buffer, timeoutMs: number, idempotencyKey?: string): Promise<SendResult>;
  close(): void;
}

export interface CollectorClientOptions {
  url: URL;
  token: string | undefined;
  tlsVerify: boolean;
}

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO|HOSTNAME_MISMATCH|ERR_OSSL)/;

function classify(error: NodeJS.ErrnoException): string {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (TLS_CODES.test(code) || /certificate|ssl|tls/i.test(error.message)) return 'tls';
  return code === '' ? 'network' : code.toLowerCase();
}

/** Posts encoded batches to the ingestion URL over keep-alive connections, each bounded by a timeout. */
export function createCollectorClient(options: CollectorClientOptions): CollectorClient {
  const { url } = options;
  const secure = url.protocol === 'https:';
  const client = new HttpClient({
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port) || (secure ? 443 : 80),
    maxSockets: 4,
    ...(secure ? { tls: { rejectUnauthorized: options.tlsVerify } } : {}),
  });
  // The head is the same for every batch but its length: built once.
  const fixed = [
    `POST ${url.pathname}${url.search} HTTP/1.1`,
    `Host: ${url.host}`,
    'Content-Type: application/json',
  ];
  if (options.token !== undefined)
    fixed.push(`X-API-KEY: ${options.token}`, `Authorization: ${options.token}`);
  const headPrefix = fixed.join('\r\n');

  return {
    async send(body, timeoutMs, idempotencyKey) {
      const key = idempotencyKey === undefined ? '' : `\r\nIdempotency-Key: ${idempotencyKey}`;
      const result = await client.request(
        `${headPrefix}${key}\r\nContent-Length: ${body.length}`,
        body,
        timeoutMs,
      );
      if (!result.ok) {
        if (result.error.code === 'ETIMEDOUT') return { kind: 'retryable', reason: 'timeout' };
        const reason = classify(result.error);
        return reason === 'tls' ? { kind: 'failed', reason } : { kind: 'retryable', reason };
      }
      const status = result.status;
      if (status >= 200 && status < 300) return { kind: 'ok' };
      if (status >= 500 || status === 429 || status === 408)
        return { kind: 'retryable', reason: `http-${status}`, status };
      return { kind: 'failed', reason: `http-${status}`, status };
    },
    close() {
      client.destroy();
    },
  };
}
