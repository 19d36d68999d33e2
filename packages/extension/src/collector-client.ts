import http from 'node:http';
import https from 'node:https';

/** The outcome of one POST: a value, never an exception. */
export type SendResult =
  | { kind: 'ok' }
  | { kind: 'failed'; reason: string; status?: number }
  | { kind: 'retryable'; reason: string; status?: number };

export interface CollectorClient {
  /** `body` as a Buffer lets Node write headers and body separately (a string would be concatenated). */
  send(body: Buffer, timeoutMs: number): Promise<SendResult>;
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
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 4, rejectUnauthorized: options.tlsVerify })
    : new http.Agent({ keepAlive: true, maxSockets: 4 });
  const request = secure ? https.request : http.request;
  const baseHeaders: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token !== undefined) {
    baseHeaders['x-api-key'] = options.token;
    baseHeaders.authorization = options.token;
  }

  return {
    send(body, timeoutMs) {
      return new Promise<SendResult>((resolve) => {
        let settled = false;
        const done = (result: SendResult): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(result);
        };
        const req = request(url, {
          method: 'POST',
          agent,
          headers: { ...baseHeaders, 'content-length': String(body.length) },
        });
        const timer = setTimeout(
          () => {
            done({ kind: 'retryable', reason: 'timeout' });
            req.destroy();
          },
          Math.max(1, timeoutMs),
        );
        req.on('socket', (socket) => socket.setNoDelay(true));
        req.on('response', (res) => {
          res.resume();
          const status = res.statusCode ?? 0;
          res.on('end', () => {
            if (status >= 200 && status < 300) done({ kind: 'ok' });
            else if (status >= 500 || status === 429 || status === 408)
              done({ kind: 'retryable', reason: `http-${status}`, status });
            else done({ kind: 'failed', reason: `http-${status}`, status });
          });
          res.on('error', () => done({ kind: 'retryable', reason: 'reset' }));
        });
        req.on('error', (error: NodeJS.ErrnoException) => {
          const reason = classify(error);
          done(reason === 'tls' ? { kind: 'failed', reason } : { kind: 'retryable', reason });
        });
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
