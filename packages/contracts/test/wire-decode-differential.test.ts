import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeWireRecord, encodeBatch, type TrafficRecord } from '../src/index.js';
import { referenceDecodeWireRecord } from './support/wire-decode-reference.js';

const now = () => 1_795_515_302;

/** Valid, borderline and invalid values for each field, so both paths of every check get exercised. */
const anyJson = fc.jsonValue({ maxDepth: 2 });
const headerText = fc.oneof(
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map((m) => JSON.stringify(m)),
  fc
    .dictionary(
      fc.oneof(fc.string({ maxLength: 6 }), fc.constant('__proto__')),
      fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer()), anyJson),
    )
    .map((m) => JSON.stringify(m)),
  fc.constantFrom(
    '',
    ' {"a":"b"}',
    '{"a":"b"} ',
    '\t{}',
    '[1]',
    '"{}"',
    '{nope',
    'null',
    '{"__proto__":"x"}',
    '1',
  ),
);
const field = <T>(valid: fc.Arbitrary<T>) =>
  fc.option(fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: anyJson }), { nil: undefined });

const wireRecord = fc.record(
  {
    path: field(fc.oneof(fc.string(), fc.constantFrom('', 'https://a.example/x?y=1', 'http://u@h:81'))),
    method: field(fc.constantFrom('GET', 'post', 'Patch', 'GET /x', '')),
    statusCode: field(
      fc.oneof(fc.constantFrom('200', '99', '600', ' 201 ', '2x0', '20', '0200'), fc.integer()),
    ),
    requestHeaders: field(fc.oneof(headerText, fc.dictionary(fc.string(), fc.string()))),
    responseHeaders: field(headerText),
    tag: field(headerText),
    requestPayload: field(fc.string()),
    responsePayload: field(fc.oneof(fc.string(), fc.integer())),
    ip: field(fc.string()),
    destIp: field(fc.string()),
    time: field(
      fc.oneof(
        fc.constantFrom('1795515302', '1795515302123', '', '-1', 'yesterday', '8640000000000001'),
        fc.double(),
      ),
    ),
    type: field(fc.string()),
    status: field(fc.string()),
    akto_account_id: field(fc.string()),
    akto_vxlan_id: field(fc.string()),
    is_pending: field(fc.constantFrom('true', 'false', true, false, 'maybe', '')),
    source: field(fc.constantFrom('MIRRORING', 'mirroring', 'HAR', 'CARRIER_PIGEON', '')),
    direction: field(fc.constantFrom('1', '2', '3', '', 1)),
    duration_ms: field(fc.constantFrom('5.5', '-1', 'x', '')),
    outcome: field(fc.constantFrom('ok', 'timeout', 'boom')),
    platform_auth: field(fc.constantFrom('[{"type":"IAM","principal":"arn"}]', '{', '[{"type":"X"}]')),
  },
  { requiredKeys: [] },
);

describe('decodeWireRecord (fast path) against the reference decoder', () => {
  it('decides every record the same way, with the same error message', () => {
    fc.assert(
      fc.property(
        fc.oneof({ weight: 9, arbitrary: wireRecord }, { weight: 1, arbitrary: anyJson }),
        (raw) => {
          expect(decodeWireRecord(raw, { now })).toEqual(referenceDecodeWireRecord(raw, { now }));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps an own "__proto__" header out of the decoded map, as the reference does', () => {
    const raw = { path: '/', method: 'GET', statusCode: '200', requestHeaders: '{"__proto__":"x","a":"b"}' };
    const fast = decodeWireRecord(raw, { now });
    expect(fast).toEqual(referenceDecodeWireRecord(raw, { now }));
    expect(fast.ok && Object.keys(fast.record.requestHeaders)).toEqual(['a']);
  });

  it.each([8.64e15 + 1, 1e20, '1e300', Number.MAX_VALUE])(
    'rejects a time no Date can hold (%s), which the query API could not show',
    (time) => {
      const result = decodeWireRecord({ path: '/', method: 'GET', statusCode: '200', time });
      expect(result).toEqual({
        ok: false,
        error: `time: expected epoch seconds, got ${JSON.stringify(time)}`,
      });
    },
  );

  it('still reads the largest representable millisecond time', () => {
    const result = decodeWireRecord({ path: '/', method: 'GET', statusCode: '200', time: 8.64e15 });
    expect(result.ok && new Date(result.record.time * 1000).toISOString()).toBe(
      '+275760-09-13T00:00:00.000Z',
    );
  });

  it('round-trips encoded records identically', () => {
    const record = fc.record({
      path: fc.string(),
      method: fc.constantFrom('GET', 'POST'),
      requestHeaders: fc.dictionary(fc.string({ minLength: 1 }), fc.string()),
      responseHeaders: fc.dictionary(fc.string({ minLength: 1 }), fc.string()),
      requestPayload: fc.string(),
      responsePayload: fc.string(),
      ip: fc.string(),
      time: fc.integer({ min: 0, max: 2_000_000_000 }),
      statusCode: fc.integer({ min: 100, max: 599 }),
      status: fc.string({ minLength: 1 }),
      type: fc.constant('HTTP/1.1'),
      accountId: fc.constant('1000000'),
      vxlanId: fc.constant('0'),
      isPending: fc.boolean(),
      source: fc.constant('MIRRORING' as const),
      tag: fc.dictionary(fc.string({ minLength: 1 }), fc.string()),
    });
    fc.assert(
      fc.property(record, (r: TrafficRecord) => {
        const wire = (JSON.parse(encodeBatch([r])) as { batchData: unknown[] }).batchData[0];
        expect(decodeWireRecord(wire, { now })).toEqual(referenceDecodeWireRecord(wire, { now }));
      }),
      { numRuns: 500 },
    );
  });
});
