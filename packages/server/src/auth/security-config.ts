import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { commaList, integerIn, invalid } from '../config-parsers.js';
import { ServerError, ServerErrorCode } from '../errors.js';
import { parseScryptHash } from './password-hash.js';

export interface UserEntry {
  name: string;
  /** `$scrypt$...` as printed by `tapline user hash`. */
  hash: string;
}

/** Paths of a PEM certificate chain and its private key. */
export interface TlsFiles {
  cert: string;
  key: string;
}

export interface SecurityConfig {
  /** `Authorization: Bearer <t>` for the query API, /metrics and the dashboard. */
  readTokens: readonly string[];
  users: readonly UserEntry[];
  /** Signs session cookies; `null`: a random one per process (sessions end on restart). */
  sessionSecret: string | null;
  sessionHours: number;
  /** Addresses (IPs or CIDRs) of authenticating reverse proxies whose user header is trusted. */
  trustedProxies: readonly string[];
  proxyUserHeader: string;
  /** Origins answered with CORS headers; empty: none. */
  corsOrigins: readonly string[];
  /** Failed credential checks allowed per client address per minute before 429. */
  authFailuresPerMinute: number;
  /** Request line plus headers, per request (431 beyond). */
  maxHeaderBytes: number;
}

export const DEFAULT_INGEST_PORT = 9092;

export const DEFAULT_SECURITY: SecurityConfig = Object.freeze({
  readTokens: Object.freeze([]),
  users: Object.freeze([]),
  sessionSecret: null,
  sessionHours: 12,
  trustedProxies: Object.freeze([]),
  proxyUserHeader: 'x-forwarded-user',
  corsOrigins: Object.freeze([]),
  authFailuresPerMinute: 20,
  maxHeaderBytes: 16 * 1024,
});

/** The listener-and-security part of the server configuration. */
export interface ListenerSecurityConfig {
  /** Both `null`: ingestion shares the main listener. */
  ingestHost: string | null;
  ingestPort: number | null;
  tls: TlsFiles | null;
  /** Falls back to `tls` when `null`. */
  ingestTls: TlsFiles | null;
  security: SecurityConfig;
}

export interface SecurityFlags {
  ingestHost?: string;
  ingestPort?: string;
  tlsCert?: string;
  tlsKey?: string;
  ingestTlsCert?: string;
  ingestTlsKey?: string;
}

export const SECURITY_SOURCES = {
  ingestHost: { flag: '--ingest-host', env: 'TAPLINE_INGEST_HOST' },
  ingestPort: { flag: '--ingest-port', env: 'TAPLINE_INGEST_PORT' },
  tlsCert: { flag: '--tls-cert', env: 'TAPLINE_TLS_CERT' },
  tlsKey: { flag: '--tls-key', env: 'TAPLINE_TLS_KEY' },
  ingestTlsCert: { flag: '--ingest-tls-cert', env: 'TAPLINE_INGEST_TLS_CERT' },
  ingestTlsKey: { flag: '--ingest-tls-key', env: 'TAPLINE_INGEST_TLS_KEY' },
  readTokens: { flag: undefined, env: 'TAPLINE_READ_TOKENS' },
  users: { flag: undefined, env: 'TAPLINE_USERS' },
  usersFile: { flag: undefined, env: 'TAPLINE_USERS_FILE' },
  sessionSecret: { flag: undefined, env: 'TAPLINE_SESSION_SECRET' },
  sessionHours: { flag: undefined, env: 'TAPLINE_SESSION_HOURS' },
  trustedProxies: { flag: undefined, env: 'TAPLINE_TRUSTED_PROXIES' },
  proxyUserHeader: { flag: undefined, env: 'TAPLINE_PROXY_USER_HEADER' },
  corsOrigins: { flag: undefined, env: 'TAPLINE_CORS_ORIGINS' },
  authFailuresPerMinute: { flag: undefined, env: 'TAPLINE_AUTH_FAILURES_PER_MINUTE' },
  maxHeaderBytes: { flag: undefined, env: 'TAPLINE_MAX_HEADER_BYTES' },
} as const;

const USER_NAME = /^[A-Za-z0-9._@+-]{1,64}$/;
/** Commas between TAPLINE_USERS entries: those starting the next `name:$`, not those inside a hash's parameters. */
export const USERS_SEPARATOR = /,(?=\s*[A-Za-z0-9._@+-]{1,64}:\$)/;

/** `name:hash` entries, comma-separated (TAPLINE_USERS) or one per line with `#` comments (users file). */
export function parseUsers(source: string, text: string, separator: RegExp): UserEntry[] {
  const users: UserEntry[] = [];
  for (const raw of text.split(separator)) {
    const entry = raw.trim();
    if (entry === '' || entry.startsWith('#')) continue;
    const colon = entry.indexOf(':');
    const name = colon < 0 ? entry : entry.slice(0, colon);
    const hash = colon < 0 ? '' : entry.slice(colon + 1).trim();
    if (!USER_NAME.test(name)) {
      invalid(source, `user name ${JSON.stringify(name.slice(0, 64))} must be 1-64 letters, digits or ._@+-`);
    }
    if (parseScryptHash(hash) === undefined) {
      // Never echo the value: it may be a plain password typed by mistake.
      invalid(source, `user ${name}: expected name:$scrypt$... (make one with \`tapline user hash\`)`);
    }
    users.push({ name, hash });
  }
  return users;
}

function tlsPair(certName: string, keyName: string, cert?: string, key?: string): TlsFiles | undefined {
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) invalid(`${certName} / ${keyName}`, 'set both or neither');
  return { cert: resolve(cert), key: resolve(key) };
}

/** Parses the listener and security settings (flags win over the environment). */
export function securityFromFlagsAndEnv(
  flags: SecurityFlags,
  env: Readonly<Record<string, string | undefined>>,
): Omit<Partial<ListenerSecurityConfig>, 'security'> & { security?: Partial<SecurityConfig> } {
  const out: Omit<Partial<ListenerSecurityConfig>, 'security'> & { security?: Partial<SecurityConfig> } = {};
  const value = (
    key: keyof typeof SECURITY_SOURCES,
    flag?: string,
  ): { raw: string; name: string } | undefined => {
    const source = SECURITY_SOURCES[key];
    if (flag !== undefined && source.flag !== undefined) return { raw: flag, name: source.flag };
    const fromEnv = env[source.env];
    return fromEnv !== undefined && fromEnv.trim() !== '' ? { raw: fromEnv, name: source.env } : undefined;
  };
  const ingestHost = value('ingestHost', flags.ingestHost);
  if (ingestHost) out.ingestHost = ingestHost.raw.trim();
  const ingestPort = value('ingestPort', flags.ingestPort);
  if (ingestPort) out.ingestPort = integerIn(ingestPort.name, ingestPort.raw, 0, 65535);
  const tls = tlsPair(
    '--tls-cert (TAPLINE_TLS_CERT)',
    '--tls-key (TAPLINE_TLS_KEY)',
    value('tlsCert', flags.tlsCert)?.raw,
    value('tlsKey', flags.tlsKey)?.raw,
  );
  if (tls) out.tls = tls;
  const ingestTls = tlsPair(
    '--ingest-tls-cert (TAPLINE_INGEST_TLS_CERT)',
    '--ingest-tls-key (TAPLINE_INGEST_TLS_KEY)',
    value('ingestTlsCert', flags.ingestTlsCert)?.raw,
    value('ingestTlsKey', flags.ingestTlsKey)?.raw,
  );
  if (ingestTls) out.ingestTls = ingestTls;

  const security: Partial<SecurityConfig> = {};
  const readTokens = value('readTokens');
  if (readTokens) security.readTokens = commaList(readTokens.raw);
  const users: UserEntry[] = [];
  const inline = value('users');
  if (inline) users.push(...parseUsers('TAPLINE_USERS', inline.raw, USERS_SEPARATOR));
  const file = value('usersFile');
  if (file) {
    let text: string;
    try {
      text = readFileSync(resolve(file.raw.trim()), 'utf8');
    } catch (error) {
      throw new ServerError(
        ServerErrorCode.Config,
        `TAPLINE_USERS_FILE: cannot read ${file.raw.trim()}: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
    users.push(...parseUsers(`TAPLINE_USERS_FILE (${file.raw.trim()})`, text, /\r?\n/));
  }
  if (inline || file) security.users = users;
  const secret = value('sessionSecret');
  if (secret) security.sessionSecret = secret.raw;
  const hours = value('sessionHours');
  if (hours) security.sessionHours = integerIn(hours.name, hours.raw, 1, 24 * 30);
  const proxies = value('trustedProxies');
  if (proxies) security.trustedProxies = commaList(proxies.raw);
  const header = value('proxyUserHeader');
  if (header) security.proxyUserHeader = header.raw.trim().toLowerCase();
  const origins = value('corsOrigins');
  if (origins) security.corsOrigins = commaList(origins.raw);
  const failures = value('authFailuresPerMinute');
  if (failures) security.authFailuresPerMinute = integerIn(failures.name, failures.raw, 1, 1_000_000);
  const headerBytes = value('maxHeaderBytes');
  if (headerBytes) security.maxHeaderBytes = integerIn(headerBytes.name, headerBytes.raw, 1024, 1024 * 1024);
  if (Object.keys(security).length > 0) out.security = security;
  return out;
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/** True when some credential can unlock the read routes. */
export function hasReadCredentials(security: SecurityConfig): boolean {
  return security.readTokens.length > 0 || security.users.length > 0 || security.trustedProxies.length > 0;
}

function validCidr(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

interface Checked {
  host: string;
  insecure: boolean;
  ingestTokens: readonly string[];
}

/**
 * Refuses configurations that would expose the inventory or ingestion off loopback without credentials
 * (the bind address decides), and inconsistent settings. Returns the frozen, completed part.
 */
export function completeListenerSecurity(
  base: Checked,
  partial: Omit<Partial<ListenerSecurityConfig>, 'security'> & { security?: Partial<SecurityConfig> },
): Readonly<ListenerSecurityConfig> {
  const security: SecurityConfig = { ...DEFAULT_SECURITY, ...(partial.security ?? {}) };
  const separate = partial.ingestHost != null || partial.ingestPort != null;
  const ingestHost = separate ? (partial.ingestHost ?? base.host) : null;
  const ingestPort = separate ? (partial.ingestPort ?? DEFAULT_INGEST_PORT) : null;
  if (ingestHost === '') invalid('--ingest-host / TAPLINE_INGEST_HOST', 'must not be empty');
  if (ingestPort !== null && !(Number.isInteger(ingestPort) && ingestPort >= 0 && ingestPort <= 65535)) {
    invalid(`--ingest-port / TAPLINE_INGEST_PORT=${ingestPort}`, 'expected an integer from 0 to 65535');
  }
  for (const proxy of security.trustedProxies) {
    if (!validCidr(proxy))
      invalid(`TAPLINE_TRUSTED_PROXIES=${JSON.stringify(proxy)}`, 'expected IP addresses or CIDRs');
  }
  if (!/^[a-z0-9-]{1,64}$/.test(security.proxyUserHeader)) {
    invalid('TAPLINE_PROXY_USER_HEADER', 'expected a header name such as x-forwarded-user');
  }
  if (security.sessionSecret !== null && security.sessionSecret.length < 32) {
    invalid('TAPLINE_SESSION_SECRET', 'expected at least 32 characters (e.g. `openssl rand -base64 48`)');
  }
  for (const origin of security.corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      invalid(
        `TAPLINE_CORS_ORIGINS=${JSON.stringify(origin)}`,
        'expected origins such as https://tools.example.com',
      );
    }
  }
  const names = new Set<string>();
  for (const user of security.users) {
    if (names.has(user.name))
      invalid('TAPLINE_USERS / TAPLINE_USERS_FILE', `user ${user.name} is defined twice`);
    names.add(user.name);
  }
  const ingestSet = new Set(base.ingestTokens);
  if (security.readTokens.some((token) => ingestSet.has(token))) {
    invalid(
      'TAPLINE_READ_TOKENS',
      'a read token must not also be an ingestion token (TAPLINE_INGEST_TOKENS)',
    );
  }

  if (!base.insecure && !isLoopback(base.host) && !hasReadCredentials(security)) {
    const what = separate ? 'the dashboard and query API' : 'the dashboard, query API and /metrics';
    throw new ServerError(
      ServerErrorCode.InsecureBind,
      `refusing to serve ${what} without authentication on ${base.host}: set TAPLINE_READ_TOKENS, ` +
        'TAPLINE_USERS or TAPLINE_USERS_FILE (`tapline user hash` prints a password hash) or ' +
        'TAPLINE_TRUSTED_PROXIES; or keep --host 127.0.0.1 and expose only ingestion with --ingest-host/--ingest-port; ' +
        'or pass --insecure (TAPLINE_INSECURE=true) if that is really intended',
    );
  }
  const ingestBind = ingestHost ?? base.host;
  if (!base.insecure && !isLoopback(ingestBind) && base.ingestTokens.length === 0) {
    throw new ServerError(
      ServerErrorCode.InsecureBind,
      `refusing to accept unauthenticated traffic on ${ingestBind}: set TAPLINE_INGEST_TOKENS, ` +
        'bind to 127.0.0.1, or pass --insecure (TAPLINE_INSECURE=true) if that is really intended',
    );
  }
  return Object.freeze({
    ingestHost,
    ingestPort,
    tls: partial.tls ?? null,
    ingestTls: partial.ingestTls ?? null,
    security: Object.freeze({
      ...security,
      readTokens: Object.freeze([...security.readTokens]),
      users: Object.freeze(security.users.map((user) => Object.freeze({ ...user }))),
      trustedProxies: Object.freeze([...security.trustedProxies]),
      corsOrigins: Object.freeze([...security.corsOrigins]),
    }),
  });
}
