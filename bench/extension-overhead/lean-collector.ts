/**
 * The bench's collector. It stands for a remote ingestion service, so on the timed path it only
 * keeps each body and answers 200; bodies are decoded with the contracts' decoder when the bench
 * counts them, after the timed phases.
 *
 * It runs in the bench process on purpose: while an extension flushes, the emulator in this process
 * is idle waiting for that extension's `event/next`, so serving the collector here uses otherwise
 * idle time, as a collector on another machine would. A third process would instead compete with
 * the runtime and the extension for this machine's two cores.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeWireRecord } from '../../packages/contracts/src/index.js';

export interface LeanCollector {
  readonly url: string;
  /** Records received and records that failed to decode. */
  count(): { records: number; decodeErrors: number };
  close(): Promise<void>;
}

export async function startLeanCollector(): Promise<LeanCollector> {
  const bodies: Buffer[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '16' });
      res.end('{"success":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/ingestData`,
    count() {
      let records = 0;
      let decodeErrors = 0;
      for (const body of bodies) {
        const batch = (JSON.parse(body.toString('utf8')) as { batchData: unknown[] }).batchData;
        for (const item of batch) {
          if (decodeWireRecord(item).ok) records += 1;
          else decodeErrors += 1;
        }
      }
      return { records, decodeErrors };
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
