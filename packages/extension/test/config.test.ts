import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';

function parse(env: Record<string, string>) {
  const lines: string[] = [];
  const config = parseConfig(env, createLogger({ write: (l) => lines.push(l) }));
  return { config, lines };
}

describe('parseConfig', () => {
  it('uses the defaults and the runtime API when nothing is set', () => {
    const { config } = parse({ AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' });
    expect(config).toMatchObject({
      ingestUrl: undefined,
      listenerPort: 9009,
      upstream: '127.0.0.1:9001',
      extensionsApi: '127.0.0.1:9001',
      extensionName: 'tapline',
      batchSize: DEFAULTS.batchSize,
      flushTimeoutMs: 300,
      flushEachInvoke: true,
      maxBodyBytes: 1024 * 1024,
      sampleRate: 1,
      tlsVerify: true,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every setting, with aliases', () => {
    const { config, lines } = parse({
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
      TAPLINE_INGEST_URL: 'https://collector.example.com/api/ingestData',
      LRAP_LISTENER_PORT: '9100',
      LRAP_RUNTIME_API_ENDPOINT: '127.0.0.1:9200',
      AKTO_API_TOKEN: 'tok',
      TAPLINE_BATCH_SIZE: '10',
      TAPLINE_BATCH_LINGER_MS: '50',
      TAPLINE_FLUSH_TIMEOUT_MS: '120',
      TAPLINE_MAX_BODY_BYTES: '2048',
      TAPLINE_SAMPLE_RATE: '0.25',
      TAPLINE_MASK_HEADERS: 'Authorization, X-Api-Key ,',
      TAPLINE_QUEUE_MAX_RECORDS: '7',
      TAPLINE_FLUSH_EACH_INVOKE: 'false',
    });
    expect(config.ingestUrl?.href).toBe('https://collector.example.com/api/ingestData');
    expect(config).toMatchObject({
      listenerPort: 9100,
      upstream: '127.0.0.1:9200',
      extensionsApi: '127.0.0.1:9001',
      token: 'tok',
      batchSize: 10,
      lingerMs: 50,
      flushTimeoutMs: 120,
      maxBodyBytes: 2048,
      sampleRate: 0.25,
      queueMaxRecords: 7,
      flushEachInvoke: false,
    });
    expect([...config.maskHeaders]).toEqual(['authorization', 'x-api-key']);
    expect(lines).toEqual([]);
  });

  it('prefers AKTO_MIRRORING_URL over the alias', () => {
    const { config } = parse({
      AKTO_MIRRORING_URL: 'http://a/api/ingestData',
      TAPLINE_INGEST_URL: 'http://b/api/ingestData',
    });
    expect(config.ingestUrl?.host).toBe('a');
  });

  it('logs each bad value once and falls back instead of throwing', () => {
    const { config, lines } = parse({
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
      AKTO_MIRRORING_URL: 'ftp://nope',
      LRAP_LISTENER_PORT: '99999',
      TAPLINE_SAMPLE_RATE: '2',
      TAPLINE_FLUSH_TIMEOUT_MS: 'soon',
      TAPLINE_TLS_VERIFY: 'maybe',
    });
    expect(config.ingestUrl).toBeUndefined();
    expect(config.listenerPort).toBe(9009);
    expect(config.sampleRate).toBe(1);
    expect(config.flushTimeoutMs).toBe(300);
    expect(config.tlsVerify).toBe(true);
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(JSON.parse(l).level).toBe('warn');
  });

  it('turns TLS verification off only when explicitly asked, with a warning', () => {
    const { config, lines } = parse({ TAPLINE_TLS_VERIFY: 'false', AWS_LAMBDA_RUNTIME_API: 'x:1' });
    expect(config.tlsVerify).toBe(false);
    expect(lines.some((l) => l.includes('NOT verified'))).toBe(true);
  });
});

describe('logger', () => {
  it('writes one JSON line per message and rate-limits keyed warnings', () => {
    let now = 0;
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l), now: () => now, windowMs: 1000 });
    for (let i = 0; i < 5; i += 1) log.warnLimited('k', 'collector down');
    now = 1500;
    log.warnLimited('k', 'collector down');
    log.once('x', 'info', 'hello');
    log.once('x', 'info', 'hello');
    log.debug('hidden');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[1]!)).toMatchObject({
      level: 'warn',
      msg: 'collector down',
      suppressed: 4,
      ext: 'tapline',
    });
  });
});
