import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../src/error-handler.js';
import { committerSink, GroupCommitter } from '../src/ingest/group-commit.js';
import { ingestRoutes } from '../src/ingest/ingest-route.js';
import type { IngestSink, SinkAppendOptions, SinkOutcome } from '../src/ingest/ingest-sink.js';
import { ServerMetrics } from '../src/metrics.js';
import { storage } from '../src/sqlite/sqlite-storage.js';
import { aktoFixtureBody, makeRecord, wireBody } from './support/records.js';
import { makeTempDir } from './support/temp-dir.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

describe('POST /api/ingestData', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function build(options: { tokens?: string[]; maxLagRecords?: number; maxBodyBytes?: number } = {}) {
    const temp = makeTempDir();
    cleanups.push(temp.remove);
    const log = await storage.trafficLog({ dataDir: temp.dir, sync: 'full' });
    cleanups.push(() => log.close());
    const metrics = new ServerMetrics();
    let wakes = 0;
    const app: FastifyInstance = Fastify({ bodyLimit: options.maxBodyBytes ?? 10 * 1024 * 1024 });
    installErrorHandler(app);
    await app.register(ingestRoutes, {
      sink: committerSink(
        new GroupCommitter(log, (lastSeq) => {
          metrics.headSeq = lastSeq;
        }),
      ),
      metrics,
      tokens: options.tokens ?? [],
      maxBodyBytes: options.maxBodyBytes ?? 10 * 1024 * 1024,
      maxLagRecords: options.maxLagRecords ?? 1000,
      onAppended: () => {
        wakes += 1;
      },
    });
    cleanups.push(() => app.close());
    return { app, log, metrics, wakes: () => wakes };
  }

  it('accepts the batch exactly as Akto’s Go extension sends it and stores it before answering', async () => {
    const { app, log, wakes } = await build();
    const response = await app.inject({
      method: 'POST',
      url: '/api/ingestData',
      headers: JSON_HEADERS,
      payload: aktoFixtureBody(),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ success: true, accepted: 1, rejected: [] });
    const [stored] = await log.readAfter(0, 10);
    expect(stored?.record).toMatchObject({
      path: '/users/42',
      method: 'GET',
      statusCode: 200,
      tag: { service: 'lambda' },
    });
    expect(stored?.record.requestHeaders.Host).toBe('abc123.execute-api.eu-west-1.amazonaws.com');
    expect(wakes()).toBe(1);
  });

  it('accepts objects for headers and tag and numbers for statusCode and time', async () => {
    const { app, log } = await build();
    const payload = JSON.stringify({
      batchData: [
        {
          path: '/x',
          method: 'post',
          statusCode: 201,
          time: 1_700_000_000,
          requestHeaders: { host: 'a.example' },
          tag: { env: 'dev' },
        },
      ],
    });
    const response = await app.inject({
      method: 'POST',
      url: '/api/ingestData',
      headers: JSON_HEADERS,
      payload,
    });
    expect(response.json()).toEqual({ success: true, accepted: 1, rejected: [] });
    expect((await log.readAfter(0, 1))[0]?.record).toMatchObject({
      method: 'POST',
      statusCode: 201,
      time: 1_700_000_000,
      tag: { env: 'dev' },
    });
  });

  it('keeps the valid records of a batch and lists the rejected ones by index', async () => {
    const { app, log, metrics } = await build();
    const good = JSON.parse(wireBody([makeRecord({ path: '/ok' })])).batchData[0];
    const payload = JSON.stringify({ batchData: [good, { ...good, statusCode: 'abc' }, good, 7] });
    const response = await app.inject({
      method: 'POST',
      url: '/api/ingestData',
      headers: JSON_HEADERS,
      payload,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      success: true,
      accepted: 2,
      rejected: [
        { index: 1, error: 'statusCode: expected an integer, got "abc"' },
        { index: 3, error: 'record: expected an object, got 7' },
      ],
    });
    expect(await log.readAfter(0, 10)).toHaveLength(2);
    expect([metrics.accepted, metrics.rejected]).toEqual([2, 2]);
  });

  it('answers 422 when no record is valid, and stores nothing', async () => {
    const { app, log } = await build();
    const payload = JSON.stringify({ batchData: [{ path: '/x' }] });
    const response = await app.inject({
      method: 'POST',
      url: '/api/ingestData',
      headers: JSON_HEADERS,
      payload,
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ success: false, accepted: 0, rejected: [{ index: 0 }] });
    expect(await log.readAfter(0, 10)).toHaveLength(0);
  });

  it('rejects malformed JSON with the position, a missing batchData, and other content types', async () => {
    const { app } = await build();
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/ingestData',
      headers: JSON_HEADERS,
      payload: '{"batchData": [1,}',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toMatch(/malformed JSON at position 17/);
    const noBatch = await app.inject({
      method: 'POST',
      url: '/api/ingestData',
      headers: JSON_HEADERS,
      payload: '{"data":[]}',
    });
    expect(noBatch.statusCode).toBe(400);
    expect(noBatch.json().error).toContain('batchData');
    const text = await app.inject({
      method: 'POST',
      url: '/api/ingestData',
      headers: { 'content-type': 'text/plain' },
      payload: '{}',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ success: false });
  });

  it('answers 413 in JSON for a body over the limit', async () => {
    const { app } = await build({ maxBodyBytes: 1024 });
    const payload = JSON.stringify({ batchData: [{ requestPayload: 'x'.repeat(2048) }] });
    const response = await app.inject({
      method: 'POST',
      url: '/api/ingestData',
      headers: JSON_HEADERS,
      payload,
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ success: false, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
  });

  it('requires one of the configured tokens in any of the three header forms', async () => {
    const { app } = await build({ tokens: ['s3cret', 'other'] });
    const post = (headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/api/ingestData',
        headers: { ...JSON_HEADERS, ...headers },
        payload: aktoFixtureBody(),
      });
    expect((await post({})).statusCode).toBe(401);
    expect((await post({ authorization: 'Bearer wrong' })).statusCode).toBe(401);
    expect((await post({ 'x-api-key': 's3cre' })).statusCode).toBe(401);
    expect((await post({ authorization: 'Bearer s3cret' })).statusCode).toBe(200);
    expect((await post({ authorization: 'other' })).statusCode).toBe(200);
    expect((await post({ 'x-api-key': 's3cret' })).statusCode).toBe(200);
  });

  it('answers 503 with Retry-After while the engine lags beyond the bound', async () => {
    const { app, metrics } = await build({ maxLagRecords: 10 });
    metrics.headSeq = 50;
    metrics.checkpoint = 39;
    const busy = await app.inject({
      method: 'POST',
      url: '/api/ingestData',
      headers: JSON_HEADERS,
      payload: aktoFixtureBody(),
    });
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['retry-after']).toBe('1');
    expect(metrics.throttled).toBe(1);
    metrics.checkpoint = 40;
    const ok = await app.inject({
      method: 'POST',
      url: '/api/ingestData',
      headers: JSON_HEADERS,
      payload: aktoFixtureBody(),
    });
    expect(ok.statusCode).toBe(200);
  });
});

describe('POST /api/ingestData when storage fails', () => {
  it('acknowledges nothing and answers 503 with Retry-After', async () => {
    const temp = makeTempDir();
    const log = await storage.trafficLog({ dataDir: temp.dir, sync: 'full' });
    await log.close(); // appends now throw: the database is closed
    const metrics = new ServerMetrics();
    const app = Fastify();
    installErrorHandler(app);
    await app.register(ingestRoutes, {
      sink: committerSink(new GroupCommitter(log, () => {})),
      metrics,
      tokens: [],
      maxBodyBytes: 1024 * 1024,
      maxLagRecords: 1000,
      onAppended: () => {},
    });
    const response = await app.inject({
      method: 'POST',
      url: '/api/ingestData',
      headers: JSON_HEADERS,
      payload: aktoFixtureBody(),
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({ success: false, code: 'TAPLINE_SERVER_STORAGE' });
    expect(metrics.accepted).toBe(0);
    await app.close();
    temp.remove();
  });
});

describe('POST /api/ingestData on a sink that dedupes retries and refuses single records', () => {
  async function build(outcome: SinkOutcome) {
    const calls: { records: number; options: SinkAppendOptions }[] = [];
    const sink: IngestSink = {
      append: async (records, options) => {
        calls.push({ records: records.length, options });
        return outcome;
      },
      checkIdempotencyKey: (raw) =>
        raw.includes(' ') ? { ok: false, error: 'Idempotency-Key: no spaces' } : { ok: true, key: raw },
      drain: async () => {},
    };
    const metrics = new ServerMetrics();
    const app = Fastify();
    installErrorHandler(app);
    await app.register(ingestRoutes, {
      sink,
      metrics,
      tokens: [],
      maxBodyBytes: 1024 * 1024,
      maxLagRecords: 1000,
      onAppended: () => {},
    });
    return { app, calls, metrics };
  }
  const body = () => wireBody([makeRecord(), makeRecord({ path: '/b' }), makeRecord({ path: '/c' })]);

  it('passes the key and each record’s batch index, and merges per-record refusals into the reply', async () => {
    const { app, calls, metrics } = await build({
      kind: 'ok',
      rejected: [{ index: 1, error: 'record 1 is too large' }],
    });
    const response = await app.inject({
      method: 'POST',
      url: '/api/ingestData',
      headers: { ...JSON_HEADERS, 'idempotency-key': 'k-1' },
      payload: body(),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      success: true,
      accepted: 2,
      rejected: [{ index: 1, error: 'record 1 is too large' }],
    });
    expect(calls).toEqual([{ records: 3, options: { idempotencyKey: 'k-1', recordIndexes: [0, 1, 2] } }]);
    expect(metrics.accepted).toBe(2);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/ingestData',
      headers: { ...JSON_HEADERS, 'idempotency-key': 'a b' },
      payload: body(),
    });
    expect(bad.statusCode).toBe(400);
    expect(calls).toHaveLength(1);
  });

  it('answers 503 with Retry-After when the sink cannot store the batch now', async () => {
    const { app, metrics } = await build({ kind: 'retryable', reason: 'stream-full', detail: 'full' });
    const response = await app.inject({
      method: 'POST',
      url: '/api/ingestData',
      headers: JSON_HEADERS,
      payload: body(),
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(metrics).toMatchObject({ accepted: 0, unavailable: 1 });
  });
});
