import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ReadBody {
  /** The bytes kept (all of them, unless the limit was passed). */
  body: Buffer;
  /** Total bytes received. */
  bytes: number;
  /** True when more than `limit` bytes arrived; `body` is then empty. */
  overLimit: boolean;
}

/** Reads a request body completely (so the connection stays usable), keeping at most `limit` bytes. */
export function readBody(req: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => {
      const overLimit = bytes > limit;
      resolve({ body: overLimit ? Buffer.alloc(0) : Buffer.concat(chunks), bytes, overLimit });
    });
    req.on('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
) {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

export function sendError(
  res: ServerResponse,
  status: number,
  errorType: string,
  errorMessage: string,
): void {
  sendJson(res, status, { errorMessage, errorType });
}

/** A request header as one string (repeated headers joined like Node does for most names). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Request headers with lower-case names and string values. */
export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Reads `errorType` from a JSON error body, if it is one. */
export function errorTypeFromBody(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (
      parsed &&
      typeof parsed === 'object' &&
      'errorType' in parsed &&
      typeof parsed.errorType === 'string'
    ) {
      return parsed.errorType;
    }
  } catch {
    // Not JSON: the caller falls back to a default type.
  }
  return undefined;
}
