import { describe, expect, it } from 'vitest';
import { completeConfig, configFromFlagsAndEnv, DEFAULT_CONFIG } from '../src/config.js';

describe('server configuration', () => {
  it('uses the documented defaults', () => {
    const config = completeConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 9091, sync: 'full', ingestTokens: [] });
    expect(config.dataDir.endsWith('.tapline')).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('lets flags win over the environment, and parses every variable', () => {
    const partial = configFromFlagsAndEnv(
      { port: '8080', insecure: true },
      {
        TAPLINE_HOST: '0.0.0.0',
        TAPLINE_PORT: '1234',
        TAPLINE_DATA_DIR: '/tmp/x',
        TAPLINE_INGEST_TOKENS: ' a , b ,,',
        TAPLINE_RETENTION_HOURS: '0.5',
        TAPLINE_MAX_LAG_RECORDS: '10',
        TAPLINE_LOG_LEVEL: 'WARN',
        TAPLINE_SYNC: 'normal',
        TAPLINE_ENGINE_HEAP_MB: '512',
        TAPLINE_ENGINE_WORKING_SET_MB: '128',
        TAPLINE_MAX_ENDPOINTS_PER_COLLECTION: '5000',
        TAPLINE_MAX_PARAMETERS_PER_ENDPOINT: '300',
      },
    );
    expect(completeConfig(partial)).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      dataDir: '/tmp/x',
      insecure: true,
      ingestTokens: ['a', 'b'],
      retentionHours: 0.5,
      maxLagRecords: 10,
      logLevel: 'warn',
      sync: 'normal',
      engineHeapMb: 512,
      engineWorkingSetMb: 128,
      maxEndpointsPerCollection: 5000,
      maxParametersPerEndpoint: 300,
    });
  });

  it('keeps the working set within half of the engine heap, and the caps positive', () => {
    expect(completeConfig({})).toMatchObject({
      engineHeapMb: 256,
      engineWorkingSetMb: 64,
      maxEndpointsPerCollection: 2000,
      maxParametersPerEndpoint: 1000,
    });
    expect(() => completeConfig({ engineWorkingSetMb: 200 })).toThrow(
      /TAPLINE_ENGINE_WORKING_SET_MB=200: expected at most half of TAPLINE_ENGINE_HEAP_MB \(256\)/,
    );
    expect(() => configFromFlagsAndEnv({}, { TAPLINE_MAX_ENDPOINTS_PER_COLLECTION: '0' })).toThrow(
      /TAPLINE_MAX_ENDPOINTS_PER_COLLECTION/,
    );
    expect(() => completeConfig({ maxParametersPerEndpoint: 0 })).toThrow(
      /TAPLINE_MAX_PARAMETERS_PER_ENDPOINT/,
    );
  });

  it('names the flag or variable and what to fix', () => {
    expect(() => configFromFlagsAndEnv({ port: '99999' }, {})).toThrow(
      '--port=99999: expected an integer from 0 to 65535',
    );
    expect(() => configFromFlagsAndEnv({}, { TAPLINE_SYNC: 'sometimes' })).toThrow(
      'TAPLINE_SYNC="sometimes": expected one of full, normal',
    );
    expect(() => configFromFlagsAndEnv({}, { TAPLINE_RETENTION_HOURS: '-1' })).toThrow(
      'TAPLINE_RETENTION_HOURS',
    );
    expect(() => configFromFlagsAndEnv({}, { TAPLINE_INSECURE: 'maybe' })).toThrow('TAPLINE_INSECURE');
  });

  it('refuses open reads or open ingestion on a non-loopback address unless credentials or --insecure', () => {
    const read = { readTokens: ['r'] };
    expect(() => completeConfig({ host: '0.0.0.0', ingestTokens: ['t'] })).toThrow(
      /dashboard.*TAPLINE_READ_TOKENS.*TAPLINE_USERS.*--insecure/,
    );
    expect(() => completeConfig({ host: '0.0.0.0', security: read })).toThrow(
      /TAPLINE_INGEST_TOKENS.*--insecure/,
    );
    expect(completeConfig({ host: '0.0.0.0', ingestTokens: ['t'], security: read }).host).toBe('0.0.0.0');
    expect(completeConfig({ host: '0.0.0.0', insecure: true }).host).toBe('0.0.0.0');
    expect(completeConfig({ host: '::1' }).host).toBe('::1');
    // Ingestion alone off loopback: the UI stays on 127.0.0.1 and needs no credentials.
    const split = completeConfig({ host: '127.0.0.1', ingestHost: '0.0.0.0', ingestTokens: ['t'] });
    expect(split).toMatchObject({ ingestHost: '0.0.0.0', ingestPort: 9092 });
    expect(() => completeConfig({ ingestHost: '0.0.0.0' })).toThrow(/TAPLINE_INGEST_TOKENS/);
    expect(() => completeConfig({ ingestTokens: ['same'], security: { readTokens: ['same'] } })).toThrow(
      /read token must not also be an ingestion token/,
    );
    expect(DEFAULT_CONFIG.maxBodyBytes).toBe(10 * 1024 * 1024);
  });

  it('parses roles and service URLs, and refuses a role without the service it needs, naming the flag', () => {
    expect(completeConfig({}).roles).toEqual(['ingest', 'worker', 'query']);
    const both = configFromFlagsAndEnv(
      { log: 'nats://n1:4222,nats://n2:4222', role: 'query,ingest' },
      { TAPLINE_STORE_URL: 'postgres://db/tapline', TAPLINE_WORKER_LEASE_MS: '3000' },
    );
    expect(completeConfig(both)).toMatchObject({
      roles: ['ingest', 'query'],
      log: { url: 'nats://n1:4222,nats://n2:4222', source: '--log' },
      store: { url: 'postgres://db/tapline', source: 'TAPLINE_STORE_URL' },
      workerLeaseMs: 3000,
    });
    const refuse =
      (flags: object, env: Record<string, string> = {}) =>
      () =>
        completeConfig(configFromFlagsAndEnv(flags, env));
    expect(refuse({ role: 'worker' })).toThrow(/the worker role needs --log \/ TAPLINE_LOG_URL/);
    expect(refuse({ role: 'query' })).toThrow(/the query role needs --store \/ TAPLINE_STORE_URL/);
    expect(refuse({ role: 'worker', log: 'nats://x:4222' })).toThrow(/needs --store/);
    expect(refuse({ log: 'nats://x:4222' })).toThrow(/the worker role needs --store/);
    expect(refuse({ role: 'ingest,bogus' })).toThrow(/--role="bogus": expected one of ingest, worker, query/);
    expect(refuse({}, { TAPLINE_ROLE: 'all,query' })).toThrow(/TAPLINE_ROLE.*cannot be combined/);
    expect(refuse({}, { TAPLINE_WORKER_LEASE_MS: '10' })).toThrow(/TAPLINE_WORKER_LEASE_MS/);
    expect(completeConfig(configFromFlagsAndEnv({ role: 'ALL' }, {})).roles).toHaveLength(3);
  });
});
