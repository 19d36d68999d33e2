import { toWireRecord } from '@tapline/contracts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/server.js';
import { httpRequest } from './support/http.js';
import { makeRecord } from './support/records.js';
import { makeTempDir } from './support/temp-dir.js';

const ALLOWED = new Set([200, 400, 413, 415, 422]);
/** At least 10,000 per CI run; TAPLINE_FUZZ_RUNS raises it for a longer local soak. */
const RUNS = Math.max(10_000, Number(process.env.TAPLINE_FUZZ_RUNS ?? 0));
const validWire = toWireRecord(makeRecord());

/** A record whose fields are each either valid, missing, or any JSON value. */
const mutatedRecord = fc
  .dictionary(
    fc.constantFrom(...Object.keys(validWire), 'extra'),
    fc.oneof(fc.jsonValue(), fc.string(), fc.integer(), fc.constant('{"a":"b"}'), fc.constant('{')),
  )
  .map((changes) => ({ ...validWire, ...changes }));

/** Raw JSON text (not built with JSON.stringify, which cannot produce some of these at all). */
const deepArray = fc.integer({ min: 60, max: 6000 }).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`);
const deepObject = fc.integer({ min: 60, max: 6000 }).map((d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`);
const hostileNumber = fc.constantFrom(
  '1e999',
  '-1e999',
  '1e308',
  '5e-324',
  '-0',
  '123456789012345678901234567890',
);
const megabyteString = fc.constantFrom(
  JSON.stringify('x'.repeat(1 << 20)),
  JSON.stringify('é\n'.repeat(1 << 18)),
);
const loneSurrogate = fc.constantFrom('"\\ud800"', '"a\\udfffb"', '"\\udc00\\ud800"');
const protoKeys = fc.constantFrom(
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"__proto__":"x","constructor":"y","prototype":"z"}',
);
const crlfHeaders = fc.constantFrom(
  JSON.stringify(JSON.stringify({ 'x-a': 'v\r\nInjected: 1', host: 'evil.example\r\n' })),
  JSON.stringify(JSON.stringify({ 'bad\r\nname': 'v', cookie: 'a=1\r\nb=2' })),
);
const hostileValue = fc.oneof(
  { weight: 6, arbitrary: deepArray },
  { weight: 6, arbitrary: deepObject },
  { weight: 4, arbitrary: hostileNumber },
  { weight: 1, arbitrary: megabyteString },
  { weight: 4, arbitrary: loneSurrogate },
  { weight: 4, arbitrary: protoKeys },
  { weight: 3, arbitrary: crlfHeaders },
  // Strings holding hostile JSON: accepted, then walked by the engine (payloads, headers, GraphQL).
  { weight: 4, arbitrary: fc.oneof(deepArray, deepObject, protoKeys).map((text) => JSON.stringify(text)) },
  {
    weight: 2,
    arbitrary: fc
      .integer({ min: 60, max: 4000 })
      .map((d) => JSON.stringify(JSON.stringify({ query: `{ a ${'{ a '.repeat(d)}${'}'.repeat(d)} }` }))),
  },
);
const PLACEHOLDER = '"__hostile__"';
/** A valid record with one field (or an extra one) replaced by hostile raw JSON. */
const hostileRecord = fc
  .tuple(fc.constantFrom(...Object.keys(validWire), '__proto__', 'constructor', 'extra'), hostileValue)
  .map(([field, text]) =>
    JSON.stringify({ ...validWire, [field]: '__hostile__' }).replace(PLACEHOLDER, text),
  );
const hostileBody = fc.oneof(
  fc
    .array(hostileRecord, { minLength: 1, maxLength: 3 })
    .map((items) => `{"batchData":[${items.join(',')}]}`),
  hostileValue.map((text) => `{"batchData":${text}}`),
  hostileValue,
  protoKeys.map((text) => `{"batchData":[],${text.slice(1)}`),
);

const body = fc.oneof(
  { weight: 6, arbitrary: hostileBody },
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

  it(`never crashes and never answers 5xx in ${RUNS} bodies; the engine digests whatever was accepted`, {
    timeout: 600_000,
  }, async () => {
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
      { numRuns: RUNS },
    );
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    await server.waitForInventory();
    expect(server.metrics.workerErrors).toBe(0);
    expect((await httpRequest(`${server.url}/healthz`)).status).toBe(200);
    // Everything accepted must also be readable back: no answer may fail to serialise.
    const ids: string[] = [];
    for (let page = 1; ; page++) {
      const listing = await httpRequest(`${server.url}/api/collections?pageSize=500&page=${page}`);
      expect(listing.status).toBe(200);
      const { collections, total } = listing.json() as { collections: { id: string }[]; total: number };
      ids.push(...collections.map((c) => c.id));
      if (collections.length === 0 || ids.length >= total) break;
    }
    for (const id of ids) {
      const endpoints = await httpRequest(`${server.url}/api/collections/${id}/endpoints?pageSize=500`);
      expect(endpoints.status).toBe(200);
      expect((await httpRequest(`${server.url}/api/collections/${id}/openapi.json`)).status).toBe(200);
      for (const endpoint of (endpoints.json() as { endpoints: { id: string }[] }).endpoints.slice(0, 50)) {
        const detail = await httpRequest(`${server.url}/api/endpoints/${endpoint.id}`);
        expect(detail.status, detail.text.slice(0, 200)).toBe(200);
      }
    }
  });
});
