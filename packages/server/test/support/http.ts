import { request } from 'node:http';

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => unknown;
}

/** A small HTTP client; `chunks` sends the body chunked (no content-length), as a streaming producer would. */
export function httpRequest(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    chunks?: Iterable<string>;
    /** Source address of the connection (any 127.x address works on Linux loopback). */
    localAddress?: string;
  } = {},
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.chunks !== undefined) {
      const chunks = options.chunks[Symbol.iterator]();
      const pump = () => {
        for (let next = chunks.next(); !next.done; next = chunks.next()) {
          if (!req.write(next.value)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    } else req.end(options.body);
  });
}

export const postJson = (url: string, body: string, headers: Record<string, string> = {}) =>
  httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
