import { describe, expect, it } from 'vitest';
import {
  decodeWireRecord,
  encodeBatch,
  LAMBDA_WIRE_FIELDS,
  type TrafficRecord,
  toWireRecord,
} from '../src/index.js';

/** The fields of Akto's ingestion record (`IngestDataBatch` in its data-ingestion service and Go models). */
const AKTO_INGEST_FIELDS = [
  'path',
  'requestHeaders',
  'responseHeaders',
  'method',
  'requestPayload',
  'responsePayload',
  'ip',
  'destIp',
  'time',
  'statusCode',
  'type',
  'status',
  'akto_account_id',
  'akto_vxlan_id',
  'is_pending',
  'source',
  'direction',
  'process_id',
  'socket_id',
  'daemonset_id',
  'enabled_graph',
  'tag',
  'parentMcpToolNames',
];

const base: TrafficRecord = {
  path: '/users/42',
  method: 'GET',
  requestHeaders: { host: 'abc123.execute-api.eu-west-1.amazonaws.com' },
  responseHeaders: {},
  requestPayload: '',
  responsePayload: '{}',
  ip: '203.0.113.7',
  time: 1795515302,
  statusCode: 200,
  status: 'OK',
  type: 'HTTP/1.1',
  accountId: '1000000',
  vxlanId: '0',
  isPending: false,
  source: 'MIRRORING',
  tag: { service: 'lambda' },
};

const full: TrafficRecord = {
  ...base,
  declaredRoute: '/users/{id}',
  apiStage: 'prod',
  apiId: 'abc123',
  platformAuth: [
    {
      type: 'COGNITO',
      principal: '7d0c1a2b-sub',
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC',
      claims: { email: 'jane@example.com', 'cognito:groups': 'admin' },
    },
    { type: 'API_KEY', principal: 'k8yf1x2a' },
  ],
  performance: { durationMs: 12.345, coldStart: true, initDurationMs: 180.5, outcome: 'ok' },
  lambdaFunction: { name: 'shop-api', qualifier: 'live' },
};

describe('Lambda wire fields', () => {
  it("uses names outside Akto's IngestDataBatch, so Akto's collector ignores them", () => {
    for (const name of Object.values(LAMBDA_WIRE_FIELDS)) expect(AKTO_INGEST_FIELDS).not.toContain(name);
  });

  it('encodes every field as a string and round-trips through the decoder', () => {
    const wire = toWireRecord(full) as unknown as Record<string, unknown>;
    for (const value of Object.values(wire)) expect(typeof value).toBe('string');
    expect(wire).toMatchObject({
      declared_route: '/users/{id}',
      api_stage: 'prod',
      api_id: 'abc123',
      duration_ms: '12.345',
      cold_start: 'true',
      init_duration_ms: '180.5',
      outcome: 'ok',
      function_name: 'shop-api',
      function_qualifier: 'live',
    });
    expect(JSON.parse(wire.platform_auth as string)).toEqual(full.platformAuth);
    const batch = JSON.parse(encodeBatch([full])) as { batchData: unknown[] };
    expect(decodeWireRecord(batch.batchData[0])).toEqual({ ok: true, record: full });
  });

  it('writes none of them for a record without them (the Akto shape stays as it was)', () => {
    const wire = toWireRecord(base) as unknown as Record<string, unknown>;
    for (const name of Object.values(LAMBDA_WIRE_FIELDS)) expect(wire).not.toHaveProperty(name);
    expect(decodeWireRecord(wire)).toEqual({ ok: true, record: base });
  });

  it('defaults cold_start to false and outcome to ok when only a duration is sent', () => {
    const result = decodeWireRecord({ ...toWireRecord(base), duration_ms: 3 });
    expect(result.ok && result.record.performance).toEqual({
      durationMs: 3,
      coldStart: false,
      outcome: 'ok',
    });
  });

  it.each([
    [{ declared_route: 'users/{id}' }, 'declared_route: expected a path starting with "/"'],
    [{ api_stage: 7 }, 'api_stage: expected a string, got 7'],
    [{ duration_ms: '-1' }, 'duration_ms: expected milliseconds from 0 to 3600000, got "-1"'],
    [{ duration_ms: 'fast' }, 'duration_ms: expected milliseconds'],
    [{ duration_ms: '5', outcome: 'crashed' }, 'outcome: expected one of ok, function_error, timeout'],
    [{ duration_ms: '5', cold_start: 'yes' }, 'cold_start: expected "true" or "false", got "yes"'],
    [{ outcome: 'ok' }, 'duration_ms: expected milliseconds beside'],
    [{ function_qualifier: '3' }, 'function_name: expected a function name beside function_qualifier'],
    [{ platform_auth: '{nope' }, 'platform_auth: expected a JSON-encoded array'],
    [{ platform_auth: '[{"type":"PASSWORD"}]' }, 'platform_auth[0].type: expected one of IAM, COGNITO'],
    [{ platform_auth: '[{"type":"IAM","principal":5}]' }, 'platform_auth[0].principal: expected a string'],
    [
      { platform_auth: '[{"type":"OIDC","claims":{"a":{"b":1}}}]' },
      'platform_auth[0].claims.a: expected a string',
    ],
    [{ platform_auth: '[{"type":"OIDC","scopes":"read"}]' }, 'platform_auth[0].scopes: expected an array'],
    [{ platform_auth: JSON.stringify(Array(5).fill({ type: 'IAM' })) }, 'an array of at most 4 entries'],
    [{ platform_auth: `[${' '.repeat(17000)}]` }, 'platform_auth: expected at most 16384 characters'],
  ])('rejects %j naming the field', (extra, message) => {
    const result = decodeWireRecord({ ...toWireRecord(base), ...extra });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });

  it('accepts platform_auth as an array (friendlier producers) and stringifies scalar claims', () => {
    const result = decodeWireRecord({
      ...toWireRecord(base),
      platform_auth: [{ type: 'LAMBDA_AUTHORIZER', principal: 'user-1', claims: { tier: 3, beta: true } }],
    });
    expect(result.ok && result.record.platformAuth).toEqual([
      { type: 'LAMBDA_AUTHORIZER', principal: 'user-1', claims: { tier: '3', beta: 'true' } },
    ]);
  });
});
