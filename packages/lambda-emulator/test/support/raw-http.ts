import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  json(): unknown;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Sends the body as these chunks with Transfer-Encoding: chunked. */
  chunks?: (Buffer | string)[];
  trailers?: Record<string, string>;
}

/** One HTTP exchange with the emulator on a fresh connection, the way a hand-written runtime would. */
export function rawCall(runtimeApi: string, req: RawRequest): Promise<RawResponse> {
  const [hostname, port] = runtimeApi.split(':');
  return new Promise((resolve, reject) => {
    const r = request(
      {
        hostname,
        port: Number(port),
        method: req.method ?? 'GET',
        path: req.path,
        headers: req.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = String(v);
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers,
            body,
            json: () => JSON.parse(body.toString('utf8')),
          });
        });
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    if (req.chunks) {
      for (const chunk of req.chunks) r.write(chunk);
      if (req.trailers) r.addTrailers(req.trailers);
      r.end();
    } else {
      r.end(req.body);
    }
  });
}

export const NEXT = '/2018-06-01/runtime/invocation/next';
export const invocationPath = (id: string, kind: 'response' | 'error') =>
  `/2018-06-01/runtime/invocation/${encodeURIComponent(id)}/${kind}`;
export const EXT_REGISTER = '/2020-01-01/extension/register';
export const EXT_NEXT = '/2020-01-01/extension/event/next';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Registers a raw extension and returns its identifier. */
export async function registerExtension(runtimeApi: string, name: string, events: string[]): Promise<string> {
  const res = await rawCall(runtimeApi, {
    method: 'POST',
    path: EXT_REGISTER,
    headers: { 'lambda-extension-name': name, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  if (res.status !== 200) throw new Error(`register failed: ${res.status} ${res.body}`);
  return res.headers['lambda-extension-identifier']!;
}

export function extensionNext(runtimeApi: string, id: string): Promise<RawResponse> {
  return rawCall(runtimeApi, { path: EXT_NEXT, headers: { 'lambda-extension-identifier': id } });
}
