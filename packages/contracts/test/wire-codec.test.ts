import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  decodeWireRecord,
  encodeBatch,
  encodeBatchOf,
  encodeWireRecord,
  type TrafficRecord,
} from '../src/index.js';

const fixture = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../testkit/fixtures/ingest/akto-go-extension-batch.json', import.meta.url)),
    'utf8',
  ),
) as { batchData: unknown[] };

describe('decodeWireRecord', () => {
  it("decodes the batch exactly as Akto's Go extension sends it", () => {
    const result = decodeWireRecord(fixture.batchData[0]);
    expect(result).toEqual({
      ok: true,
      record: {
        path: '/users/42',
        method: 'GET',
        requestHeaders: {
          Accept: 'application/json',
          Host: 'abc123.execute-api.eu-west-1.amazonaws.com',
          'X-Forwarded-For': '203.0.113.7, 10.0.0.12',
        },
        responseHeaders: { 'Content-Type': 'application/json' },
        requestPayload: '',
        responsePayload: '{"id":42,"email":"jane@example.com"}',
        ip: '203.0.113.7, 10.0.0.12',
        time: 1795515302,
        statusCode: 200,
        status: 'OK',
        type: 'HTTP/1.1',
        accountId: '1000000',
        vxlanId: '0',
        isPending: false,
        source: 'MIRRORING',
        tag: { service: 'lambda' },
      },
    });
  });

  it('accepts objects for headers and tag and numbers for statusCode and time', () => {
    const result = decodeWireRecord({
      path: '/a',
      method: 'post',
      statusCode: 201,
      time: 1795515302,
      requestHeaders: { host: 'api.example.com', 'x-count': 3 },
      tag: { service: 'lambda' },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.record.method).toBe('POST');
    expect(result.record.statusCode).toBe(201);
    expect(result.record.status).toBe('Created');
    expect(result.record.requestHeaders).toEqual({ host: 'api.example.com', 'x-count': '3' });
    expect(result.record.tag).toEqual({ service: 'lambda' });
  });

  it('reads millisecond timestamps as seconds', () => {
    const result = decodeWireRecord({ path: '/', method: 'GET', statusCode: '200', time: '1795515302123' });
    expect(result.ok && result.record.time).toBe(1795515302);
  });

  it.each([
    [{ path: '/', method: 'GET', statusCode: 'abc' }, 'statusCode: expected an integer, got "abc"'],
    [
      { path: '/', method: 'GET', statusCode: '99' },
      'statusCode: expected an integer from 100 to 599, got "99"',
    ],
    [{ method: 'GET', statusCode: '200' }, 'path: expected a string, got nothing'],
    [{ path: '/', statusCode: '200' }, 'method: expected a string, got nothing'],
    [{ path: '/', method: 'GET /x', statusCode: '200' }, 'method: expected an HTTP method, got "GET /x"'],
    [
      { path: '/', method: 'GET', statusCode: '200', requestHeaders: '{nope' },
      'requestHeaders: expected a JSON object or a JSON-encoded object string, got "{nope"',
    ],
    [
      { path: '/', method: 'GET', statusCode: '200', tag: '[1]' },
      'tag: expected a JSON object or a JSON-encoded object string, got "[1]"',
    ],
    [
      { path: '/', method: 'GET', statusCode: '200', time: 'yesterday' },
      'time: expected epoch seconds, got "yesterday"',
    ],
    [
      { path: '/', method: 'GET', statusCode: '200', is_pending: 'maybe' },
      'is_pending: expected "true" or "false", got "maybe"',
    ],
    [{ path: '/', method: 'GET', statusCode: '200', source: 'CARRIER_PIGEON' }, 'source: expected one of'],
    [42, 'record: expected an object, got 42'],
  ])('rejects %j with a message naming the field', (input, message) => {
    const result = decodeWireRecord(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });
});

describe('encodeBatch', () => {
  const record: TrafficRecord = {
    path: '/items?id=3',
    method: 'GET',
    requestHeaders: { host: 'api.example.com' },
    responseHeaders: { 'content-type': 'application/json' },
    requestPayload: '',
    responsePayload: '{"id":3}',
    ip: '203.0.113.1',
    time: 1795515302,
    statusCode: 200,
    status: 'OK',
    type: 'HTTP/1.1',
    accountId: '1000000',
    vxlanId: '0',
    isPending: false,
    source: 'MIRRORING',
    tag: { service: 'lambda', function: 'orders' },
  };

  it('writes every field as a string, headers and tag as JSON-encoded strings', () => {
    const wire = JSON.parse(encodeBatch([record])) as { batchData: Record<string, unknown>[] };
    const first = wire.batchData[0];
    expect(first).toBeDefined();
    for (const value of Object.values(first ?? {})) expect(typeof value).toBe('string');
    expect(first).toMatchObject({
      statusCode: '200',
      time: '1795515302',
      is_pending: 'false',
      akto_account_id: '1000000',
      requestHeaders: '{"host":"api.example.com"}',
      tag: '{"service":"lambda","function":"orders"}',
    });
  });

  it('round-trips through the decoder', () => {
    const wire = JSON.parse(encodeBatch([record])) as { batchData: unknown[] };
    expect(decodeWireRecord(wire.batchData[0])).toEqual({ ok: true, record });
  });

  it('gives the same bytes when records are encoded ahead and batched later', () => {
    const other = { ...record, path: '/items?id=4', tag: { service: 'lambda' } };
    const multibyte = { ...record, responsePayload: '{"name":"Zoë ✓ 🚀","note":"<b>&</b>"}' };
    for (const records of [[], [record], [record, other], [record, multibyte, other]]) {
      const batch = encodeBatchOf(records.map(encodeWireRecord));
      expect(batch.toString('utf8')).toBe(encodeBatch(records));
      expect(batch.equals(Buffer.from(encodeBatch(records)))).toBe(true);
    }
  });
});
