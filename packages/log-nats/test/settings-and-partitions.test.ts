import {
  checkIdempotencyKey,
  DEFAULT_NATS_LOG_SETTINGS,
  hashKey,
  messageIdOf,
  parseNatsLogSettings,
  partitionOf,
  partitionSubject,
} from '@tapline/log-nats';
import { trafficRecord } from '@tapline/testkit';
import { describe, expect, it } from 'vitest';

const URL_FLAG = { source: '--log', value: 'nats://127.0.0.1:4222' };

describe('parseNatsLogSettings', () => {
  it('applies the defaults and freezes the result', () => {
    const s = parseNatsLogSettings(URL_FLAG, {});
    expect(s).toMatchObject({ ...DEFAULT_NATS_LOG_SETTINGS, servers: ['127.0.0.1:4222'] });
    expect(s.stream).toBe('TAPLINE_TRAFFIC');
    expect(s.partitions).toBe(16);
    expect(s.publishTimeoutMs).toBe(5000);
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('reads every variable and a multi-server URL', () => {
    const s = parseNatsLogSettings(
      { source: 'TAPLINE_LOG_URL', value: 'nats://n1:4222,nats://n2' },
      {
        TAPLINE_NATS_STREAM: 'TRAFFIC_B',
        TAPLINE_PARTITIONS: '32',
        TAPLINE_NATS_REPLICAS: '3',
        TAPLINE_NATS_MAX_AGE_HOURS: '48',
        TAPLINE_NATS_MAX_BYTES: '-1',
        TAPLINE_NATS_MAX_MSG_BYTES: '8388608',
        TAPLINE_NATS_DUPLICATE_WINDOW_MS: '300000',
        TAPLINE_PUBLISH_TIMEOUT_MS: '2000',
        TAPLINE_NATS_ACK_WAIT_MS: '10000',
      },
    );
    expect(s).toEqual({
      servers: ['n1:4222', 'n2:4222'],
      stream: 'TRAFFIC_B',
      partitions: 32,
      replicas: 3,
      maxAgeMs: 48 * 3_600_000,
      maxBytes: -1,
      maxMsgBytes: 8_388_608,
      duplicateWindowMs: 300_000,
      publishTimeoutMs: 2000,
      ackWaitMs: 10_000,
    });
  });

  it.each([
    [{ TAPLINE_PARTITIONS: '0' }, /TAPLINE_PARTITIONS="0": expected an integer from 1 to 1024/],
    [{ TAPLINE_PARTITIONS: 'many' }, /TAPLINE_PARTITIONS/],
    [{ TAPLINE_NATS_STREAM: 'a.b' }, /TAPLINE_NATS_STREAM="a.b"/],
    [{ TAPLINE_PUBLISH_TIMEOUT_MS: '5s' }, /TAPLINE_PUBLISH_TIMEOUT_MS/],
    [{ TAPLINE_NATS_MAX_BYTES: '0' }, /TAPLINE_NATS_MAX_BYTES=0/],
    [{ TAPLINE_NATS_DUPLICATE_WINDOW_MS: String(25 * 3_600_000) }, /TAPLINE_NATS_DUPLICATE_WINDOW_MS/],
  ])('refuses %o naming the variable', (env, message) => {
    expect(() => parseNatsLogSettings(URL_FLAG, env)).toThrow(message);
  });

  it('refuses a URL that is not nats://, naming the flag', () => {
    expect(() => parseNatsLogSettings({ source: '--log', value: 'http://x:1' }, {})).toThrow(
      /--log="http:\/\/x:1": expected nats:\/\/host:port/,
    );
  });
});

describe('partitionOf', () => {
  it('is FNV-1a of the collection key (fixed: stored data depends on it)', () => {
    expect(hashKey('')).toBe(0x811c9dc5);
    expect(hashKey('a')).toBe(0xe40c292c);
    expect(hashKey('foobar')).toBe(0xbf9cf968);
  });

  it('puts one collection in one partition whatever the spelling of its host', () => {
    const a = trafficRecord({ requestHeaders: { host: 'API.example.com:443' }, path: '/a' });
    const b = trafficRecord({ requestHeaders: { Host: 'api.example.com' }, path: '/b', method: 'POST' });
    expect(partitionOf(a, 16)).toBe(partitionOf(b, 16));
    expect(partitionOf(a, 16)).toBe(hashKey('api.example.com') % 16);
  });

  it('spreads collections over the partitions', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i += 1)
      seen.add(partitionOf(trafficRecord({ requestHeaders: { host: `svc-${i}.example.com` } }), 16));
    expect(seen.size).toBe(16);
    expect(partitionSubject('TAPLINE_TRAFFIC', 3)).toBe('TAPLINE_TRAFFIC.p.3');
  });
});

describe('idempotency keys', () => {
  it('accepts header-safe keys and derives one message id per record', () => {
    expect(checkIdempotencyKey('3f9c-0007')).toEqual({ ok: true, key: '3f9c-0007' });
    expect(messageIdOf('3f9c-0007', 4)).toBe('3f9c-0007:4');
  });

  it.each(['', 'has space', 'x'.repeat(129), 'line\r\nbreak', 'ünicode'])('refuses %j', (raw) => {
    const check = checkIdempotencyKey(raw);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.error).toMatch(/^Idempotency-Key: /);
  });
});
