import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/auth/password-hash.js';
import { completeConfig, configFromFlagsAndEnv } from '../src/config.js';

describe('listener and security settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tapline-security-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses every variable and flag (flags win)', async () => {
    const ann = await hashPassword('ann password 1', 10);
    const bob = await hashPassword('bob password 2', 10);
    const carol = await hashPassword('carol password 3', 10);
    const usersFile = join(dir, 'users');
    writeFileSync(usersFile, `# dashboard users\ncarol:${carol}\n\n`);
    const config = completeConfig(
      configFromFlagsAndEnv(
        { ingestPort: '7000', tlsCert: 'c.pem', tlsKey: 'k.pem' },
        {
          TAPLINE_HOST: '0.0.0.0',
          TAPLINE_INGEST_HOST: '0.0.0.0',
          TAPLINE_INGEST_PORT: '6000',
          TAPLINE_INGEST_TOKENS: 'in-1',
          TAPLINE_READ_TOKENS: ' r-1 , r-2 ',
          TAPLINE_USERS: `ann:${ann}, bob:${bob}`,
          TAPLINE_USERS_FILE: usersFile,
          TAPLINE_SESSION_SECRET: 's'.repeat(40),
          TAPLINE_SESSION_HOURS: '2',
          TAPLINE_TRUSTED_PROXIES: '10.0.0.0/8, ::1',
          TAPLINE_PROXY_USER_HEADER: 'X-Auth-Request-User',
          TAPLINE_CORS_ORIGINS: 'https://tools.example.com',
          TAPLINE_AUTH_FAILURES_PER_MINUTE: '5',
          TAPLINE_MAX_HEADER_BYTES: '8192',
          TAPLINE_INGEST_TLS_CERT: 'ic.pem',
          TAPLINE_INGEST_TLS_KEY: 'ik.pem',
        },
      ),
    );
    expect(config).toMatchObject({ ingestHost: '0.0.0.0', ingestPort: 7000 });
    expect(config.tls?.cert.endsWith('/c.pem')).toBe(true);
    expect(config.ingestTls?.key.endsWith('/ik.pem')).toBe(true);
    expect(config.security).toMatchObject({
      readTokens: ['r-1', 'r-2'],
      sessionHours: 2,
      trustedProxies: ['10.0.0.0/8', '::1'],
      proxyUserHeader: 'x-auth-request-user',
      corsOrigins: ['https://tools.example.com'],
      authFailuresPerMinute: 5,
      maxHeaderBytes: 8192,
    });
    expect(config.security.users.map((user) => user.name)).toEqual(['ann', 'bob', 'carol']);
    expect(Object.isFrozen(config.security)).toBe(true);
  });

  it('names the setting and what to fix', () => {
    const fails = (env: Record<string, string>, message: RegExp) =>
      expect(() => completeConfig(configFromFlagsAndEnv({}, env))).toThrow(message);
    fails({ TAPLINE_USERS: 'ann' }, /TAPLINE_USERS: user ann: expected name:\$scrypt\$/);
    fails({ TAPLINE_USERS_FILE: join(dir, 'missing') }, /TAPLINE_USERS_FILE: cannot read/);
    fails({ TAPLINE_TLS_CERT: 'c.pem' }, /--tls-cert.*--tls-key.*set both or neither/);
    fails({ TAPLINE_TRUSTED_PROXIES: 'proxy.internal' }, /TAPLINE_TRUSTED_PROXIES="proxy.internal"/);
    fails({ TAPLINE_SESSION_SECRET: 'short' }, /TAPLINE_SESSION_SECRET: expected at least 32 characters/);
    fails({ TAPLINE_CORS_ORIGINS: '*' }, /TAPLINE_CORS_ORIGINS="\*"/);
    fails({ TAPLINE_INGEST_PORT: 'x' }, /TAPLINE_INGEST_PORT="x"/);
    fails({ TAPLINE_AUTH_FAILURES_PER_MINUTE: '0' }, /TAPLINE_AUTH_FAILURES_PER_MINUTE/);
  });
});
