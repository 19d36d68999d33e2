import { toWireRecord } from '@tapline/contracts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/server.js';
import { httpRequest } from './support/http.js';
import { makeRecord } from './support/records.js';
import { makeTempDir } from './support/temp-dir.js';

const ALLOWED = new Set([200, 400, 413, 415, 422]);
const validWire = toWireRecord(makeRecord());

/** A record whose fields are each either valid, missing, or any JSON value. */
const mutatedRecord = fc
  .dictionary(
    fc.constantFrom(...Object.keys(validWire), 'extra'),
    fc.oneof(fc.jsonValue(), fc.string(), fc.integer(), fc.constant('{"a":"b"}'), fc.constant('{')),
  )
  .map((changes) => ({ ...validWire, ...changes }));

const body = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.json(),
  fc.jsonValue().map((value) => JSON.stringify({ batchData: value })),
  fc.array(fc.jsonValue(), { maxLength: 5 }).map((items) => JSON.stringify({ batchData: items })),
  fc.array(mutatedRecord, { maxLength: 8 }).map((items) => JSON.stringify({ batchData: items })),
  fc
    .array(mutatedRecord, { minLength: 1, maxLength: 3 })
    .map((items) => JSON.stringify({ batchData: items }).slice(0, -2)),
);
const contentType = fc.oneof(
  fc.constant('application/json'),
  fc.constant('application/json; charset=utf-8'),
  fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', ''),
);

describe('POST /api/ingestData under arbitrary input', () => {
  const temp = makeTempDir();
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, dataDir: temp.dir, logLevel: 'silent' });
  });
  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  it('never crashes and never answers 5xx; the engine digests whatever was accepted', async () => {
    await fc.assert(
      fc.asyncProperty(body, contentType, async (payload, type) => {
        const headers: Record<string, string> = type === '' ? {} : { 'content-type': type };
        const response = await httpRequest(`${server.url}/api/ingestData`, {
          method: 'POST',
          headers,
          body: payload,
        });
        expect(ALLOWED.has(response.status), `${response.status} ${response.text}`).toBe(true);
        expect(() => response.json()).not.toThrow();
      }),
      { numRuns: 300 },
    );
    await server.waitForInventory();
    expect(server.metrics.workerErrors).toBe(0);
    expect((await httpRequest(`${server.url}/healthz`)).status).toBe(200);
    expect((await httpRequest(`${server.url}/api/collections`)).status).toBe(200);
  });
});
