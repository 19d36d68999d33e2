import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { decodeWireRecord, type TrafficRecord } from '@tapline/contracts';
import { selfSignedCert } from './self-signed-cert.js';

/** How the collector misbehaves, for fault tests. */
export type CollectorFault =
  | { kind: 'none' }
  | { kind: 'refuse' }
  | { kind: 'stall' }
  | { kind: 'slow'; ms: number }
  | { kind: 'status'; status: number }
  | { kind: 'tls-fail' };

export interface CollectorBatch {
  headers: IncomingHttpHeaders;
  /** The raw request body. */
  body: string;
  /** The undecoded records of the batch. */
  rawRecords: unknown[];
}

export interface InMemoryCollectorOptions {
  fault?: CollectorFault;
  /** When set, requests must carry it in `authorization` (else 401). */
  token?: string;
}

/**
 * A stand-in for the ingestion service: `POST /api/ingestData` on 127.0.0.1, decoding each record with
 * `decodeWireRecord` and keeping both raw batches and decoded records.
 */
export class InMemoryCollector {
  readonly batches: CollectorBatch[] = [];
  readonly records: TrafficRecord[] = [];
  readonly decodeErrors: string[] = [];
  /** Requests seen, including those the fault mode did not answer. */
  requestCount = 0;
  private readonly sockets = new Set<Socket>();
  private readonly listeners = new Set<() => void>();

  private constructor(
    private readonly server: http.Server | https.Server | undefined,
    readonly url: string,
    readonly fault: CollectorFault,
  ) {}

  static async start(options: InMemoryCollectorOptions = {}): Promise<InMemoryCollector> {
    const fault = options.fault ?? { kind: 'none' };
    if (fault.kind === 'refuse') {
      // Take a free port, then close it: connections get ECONNREFUSED.
      const probe = http.createServer();
      await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
      const { port } = probe.address() as AddressInfo;
      await new Promise<void>((r) => probe.close(() => r()));
      return new InMemoryCollector(undefined, `http://127.0.0.1:${port}/api/ingestData`, fault);
    }
    let collector: InMemoryCollector | undefined;
    const handler = (req: IncomingMessage, res: ServerResponse): void =>
      collector!.handle(req, res, options.token);
    const server =
      fault.kind === 'tls-fail' ? https.createServer(selfSignedCert(), handler) : http.createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const scheme = fault.kind === 'tls-fail' ? 'https' : 'http';
    collector = new InMemoryCollector(server, `${scheme}://127.0.0.1:${port}/api/ingestData`, fault);
    server.on('connection', (s: Socket) => {
      collector!.sockets.add(s);
      s.on('close', () => collector!.sockets.delete(s));
    });
    server.on('secureConnection', (s: Socket) => {
      collector!.sockets.add(s);
      s.on('close', () => collector!.sockets.delete(s));
    });
    return collector;
  }

  private handle(req: IncomingMessage, res: ServerResponse, token: string | undefined): void {
    this.requestCount += 1;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fault = this.fault;
      if (fault.kind === 'stall') return; // accept, read, never answer
      const answer = (): void => {
        if (req.method !== 'POST' || !req.url?.startsWith('/api/ingestData')) {
          reply(res, 404, { error: 'not found' });
          return;
        }
        if (fault.kind === 'status') {
          reply(res, fault.status, { error: 'fault injected' });
          return;
        }
        if (token !== undefined && req.headers.authorization !== token) {
          reply(res, 401, { error: 'unauthorized' });
          return;
        }
        const body = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          reply(res, 422, { error: 'invalid JSON' });
          return;
        }
        const raw = (parsed as { batchData?: unknown }).batchData;
        if (!Array.isArray(raw)) {
          reply(res, 422, { error: 'batchData must be an array' });
          return;
        }
        this.batches.push({ headers: req.headers, body, rawRecords: raw });
        for (const item of raw) {
          const decoded = decodeWireRecord(item);
          if (decoded.ok) this.records.push(decoded.record);
          else this.decodeErrors.push(decoded.error);
        }
        reply(res, 200, { success: true });
        for (const notify of this.listeners) notify();
      };
      if (fault.kind === 'slow') setTimeout(answer, fault.ms);
      else answer();
    });
  }

  /** Resolves with the records once at least `n` arrived; rejects after `timeoutMs`. */
  waitForRecords(n: number, timeoutMs = 5000): Promise<TrafficRecord[]> {
    if (this.records.length >= n) return Promise.resolve(this.records.slice());
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.records.length >= n) {
          cleanup();
          resolve(this.records.slice());
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`collector got ${this.records.length} of ${n} records within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
    });
  }

  clear(): void {
    this.batches.length = 0;
    this.records.length = 0;
    this.decodeErrors.length = 0;
    this.requestCount = 0;
  }

  async close(): Promise<void> {
    if (this.server === undefined) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
