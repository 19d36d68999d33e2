import { resolve } from 'node:path';
import {
  completeListenerSecurity,
  type ListenerSecurityConfig,
  type SecurityConfig,
  type SecurityFlags,
  securityFromFlagsAndEnv,
} from './auth/security-config.js';
import { booleanValue, commaList, integerIn, invalid, oneOf } from './config-parsers.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * `full`: every acknowledged batch survives power loss (fsync of the WAL on each commit).
 * `normal`: in WAL mode survives a crash of the process but not of the machine.
 */
export type SyncLevel = 'full' | 'normal';

/** How the inventory engine runs: in its own thread (default) or on the main event loop (tests, tiny setups). */
export type WorkerMode = 'thread' | 'inline';

/** What one `tapline serve` process does; `--role all` (the default) is all three. */
export const ROLES = ['ingest', 'worker', 'query'] as const;
export type Role = (typeof ROLES)[number];

/** A service URL and where it came from (`--log` or `TAPLINE_LOG_URL`), for messages. */
export interface ServiceUrl {
  url: string;
  source: string;
}

export interface ServerConfig extends ListenerSecurityConfig {
  host: string;
  port: number;
  /** Absolute path of the directory holding the SQLite files. */
  dataDir: string;
  /** Empty: no ingestion auth. */
  ingestTokens: readonly string[];
  insecure: boolean;
  /** Processed traffic is kept this long before it is pruned; 0 prunes as soon as it is processed. */
  retentionHours: number;
  /** Ingestion answers 503 while the engine is further behind than this many records. */
  maxLagRecords: number;
  logLevel: LogLevel;
  sync: SyncLevel;
  workerMode: WorkerMode;
  /** Request body limit of `POST /api/ingestData`. */
  maxBodyBytes: number;
  /** Directory with the built dashboard; `null` when there is none to serve. */
  dashboardDir: string | null;
  /** V8 old-generation limit of the engine thread; must leave room above the working set. */
  engineHeapMb: number;
  /**
   * Memory budget of the engine's working set: the collections recent records touched. The rest of the
   * inventory stays in the store and is loaded when a record needs it; the inventory's size does not
   * change how much memory the engine uses.
   */
  engineWorkingSetMb: number;
  /** Cardinality caps: beyond them new endpoints / parameters are counted on the collection, not stored. */
  maxEndpointsPerCollection: number;
  maxParametersPerEndpoint: number;
  /** Sorted, without duplicates. */
  roles: readonly Role[];
  /** The NATS JetStream traffic log (`nats://…`); null: the embedded SQLite log. */
  log: ServiceUrl | null;
  /** The PostgreSQL inventory (`postgres://…`); null: the embedded SQLite inventory. */
  store: ServiceUrl | null;
  /** A worker's partition lease not renewed within this time is taken over by another worker. */
  workerLeaseMs: number;
}

export const DEFAULT_CONFIG = {
  host: '127.0.0.1',
  port: 9091,
  dataDir: './.tapline',
  ingestTokens: [],
  insecure: false,
  retentionHours: 24,
  maxLagRecords: 200_000,
  logLevel: 'info',
  sync: 'full',
  workerMode: 'thread',
  maxBodyBytes: 10 * 1024 * 1024,
  dashboardDir: null,
  engineHeapMb: 256,
  engineWorkingSetMb: 64,
  maxEndpointsPerCollection: 2_000,
  maxParametersPerEndpoint: 1_000,
  roles: ROLES,
  log: null,
  store: null,
  workerLeaseMs: 10_000,
} as const satisfies Omit<ServerConfig, keyof ListenerSecurityConfig>;

/** What callers pass: any subset, the security part itself partial. */
export type ServerConfigInput = Omit<Partial<ServerConfig>, 'security'> & {
  security?: Partial<SecurityConfig>;
};

/** Raw flag values as the CLI parsed them (strings, or `true` for switches). */
export interface ConfigFlags extends SecurityFlags {
  host?: string;
  port?: string;
  dataDir?: string;
  insecure?: boolean;
  log?: string;
  store?: string;
  role?: string;
}

/** Each setting: its CLI flag (if any) and environment variable, for messages and the README. */
export const CONFIG_SOURCES = {
  host: { flag: '--host', env: 'TAPLINE_HOST' },
  port: { flag: '--port', env: 'TAPLINE_PORT' },
  dataDir: { flag: '--data-dir', env: 'TAPLINE_DATA_DIR' },
  insecure: { flag: '--insecure', env: 'TAPLINE_INSECURE' },
  ingestTokens: { flag: undefined, env: 'TAPLINE_INGEST_TOKENS' },
  retentionHours: { flag: undefined, env: 'TAPLINE_RETENTION_HOURS' },
  maxLagRecords: { flag: undefined, env: 'TAPLINE_MAX_LAG_RECORDS' },
  logLevel: { flag: undefined, env: 'TAPLINE_LOG_LEVEL' },
  sync: { flag: undefined, env: 'TAPLINE_SYNC' },
  dashboardDir: { flag: undefined, env: 'TAPLINE_DASHBOARD_DIR' },
  engineHeapMb: { flag: undefined, env: 'TAPLINE_ENGINE_HEAP_MB' },
  engineWorkingSetMb: { flag: undefined, env: 'TAPLINE_ENGINE_WORKING_SET_MB' },
  maxEndpointsPerCollection: { flag: undefined, env: 'TAPLINE_MAX_ENDPOINTS_PER_COLLECTION' },
  maxParametersPerEndpoint: { flag: undefined, env: 'TAPLINE_MAX_PARAMETERS_PER_ENDPOINT' },
  log: { flag: '--log', env: 'TAPLINE_LOG_URL' },
  store: { flag: '--store', env: 'TAPLINE_STORE_URL' },
  roles: { flag: '--role', env: 'TAPLINE_ROLE' },
  workerLeaseMs: { flag: undefined, env: 'TAPLINE_WORKER_LEASE_MS' },
} as const;

/** What each role needs beyond the embedded store: `ingest` publishes to the log, `worker` reads it into the store, `query` reads the store. */
const ROLE_NEEDS: Readonly<Record<Role, readonly ('log' | 'store')[]>> = {
  ingest: ['log'],
  worker: ['log', 'store'],
  query: ['store'],
};

/** `ingest,query` into sorted roles; `all` is every role. */
export function parseRoles(source: string, raw: string): Role[] {
  const items = commaList(raw.toLowerCase());
  if (items.length === 0) invalid(`${source}=${JSON.stringify(raw)}`, `expected all or ${ROLES.join(', ')}`);
  if (items.includes('all')) {
    if (items.length > 1)
      invalid(`${source}=${JSON.stringify(raw)}`, 'all cannot be combined with other roles');
    return [...ROLES];
  }
  const roles = new Set(items.map((item) => oneOf(source, item, ROLES)));
  return ROLES.filter((role) => roles.has(role));
}

function label(key: keyof typeof CONFIG_SOURCES, fromFlag: boolean): string {
  const source = CONFIG_SOURCES[key];
  return fromFlag && source.flag !== undefined ? source.flag : source.env;
}

/** Parses CLI flags with environment fallbacks (flags win) into a partial config; throws naming what to fix. */
export function configFromFlagsAndEnv(
  flags: ConfigFlags,
  env: Readonly<Record<string, string | undefined>>,
): ServerConfigInput {
  const config: ServerConfigInput = {};
  const pick = (key: keyof typeof CONFIG_SOURCES, flag: string | undefined) => {
    if (flag !== undefined) return { raw: flag, name: label(key, true) };
    const fromEnv = env[CONFIG_SOURCES[key].env];
    return fromEnv !== undefined && fromEnv !== '' ? { raw: fromEnv, name: label(key, false) } : undefined;
  };
  const host = pick('host', flags.host);
  if (host) config.host = host.raw.trim();
  const port = pick('port', flags.port);
  if (port) config.port = integerIn(port.name, port.raw, 0, 65535);
  const dataDir = pick('dataDir', flags.dataDir);
  if (dataDir) config.dataDir = dataDir.raw;
  if (flags.insecure === true) config.insecure = true;
  else if (env.TAPLINE_INSECURE !== undefined)
    config.insecure = booleanValue('TAPLINE_INSECURE', env.TAPLINE_INSECURE);
  const tokens = env.TAPLINE_INGEST_TOKENS;
  if (tokens !== undefined) {
    config.ingestTokens = commaList(tokens);
  }
  const retention = env.TAPLINE_RETENTION_HOURS;
  if (retention !== undefined && retention !== '') {
    const value = Number(retention);
    if (!Number.isFinite(value) || value < 0) {
      invalid(`TAPLINE_RETENTION_HOURS=${JSON.stringify(retention)}`, 'expected a number of hours >= 0');
    }
    config.retentionHours = value;
  }
  const lag = env.TAPLINE_MAX_LAG_RECORDS;
  if (lag !== undefined && lag !== '')
    config.maxLagRecords = integerIn('TAPLINE_MAX_LAG_RECORDS', lag, 1, 1e9);
  const level = env.TAPLINE_LOG_LEVEL;
  if (level !== undefined && level !== '') config.logLevel = oneOf('TAPLINE_LOG_LEVEL', level, LOG_LEVELS);
  const sync = env.TAPLINE_SYNC;
  if (sync !== undefined && sync !== '')
    config.sync = oneOf('TAPLINE_SYNC', sync, ['full', 'normal'] as const);
  const heap = env.TAPLINE_ENGINE_HEAP_MB;
  if (heap !== undefined && heap !== '')
    config.engineHeapMb = integerIn('TAPLINE_ENGINE_HEAP_MB', heap, 64, 65536);
  const workingSet = env.TAPLINE_ENGINE_WORKING_SET_MB;
  if (workingSet !== undefined && workingSet !== '')
    config.engineWorkingSetMb = integerIn('TAPLINE_ENGINE_WORKING_SET_MB', workingSet, 8, 65536);
  const maxEndpoints = env.TAPLINE_MAX_ENDPOINTS_PER_COLLECTION;
  if (maxEndpoints !== undefined && maxEndpoints !== '')
    config.maxEndpointsPerCollection = integerIn(
      'TAPLINE_MAX_ENDPOINTS_PER_COLLECTION',
      maxEndpoints,
      1,
      1e7,
    );
  const maxParameters = env.TAPLINE_MAX_PARAMETERS_PER_ENDPOINT;
  if (maxParameters !== undefined && maxParameters !== '')
    config.maxParametersPerEndpoint = integerIn('TAPLINE_MAX_PARAMETERS_PER_ENDPOINT', maxParameters, 1, 1e6);
  for (const key of ['log', 'store'] as const) {
    const picked = pick(key, flags[key]);
    if (picked) config[key] = { url: picked.raw.trim(), source: picked.name };
  }
  const role = pick('roles', flags.role);
  if (role) config.roles = parseRoles(role.name, role.raw);
  const lease = env.TAPLINE_WORKER_LEASE_MS;
  if (lease !== undefined && lease !== '')
    config.workerLeaseMs = integerIn('TAPLINE_WORKER_LEASE_MS', lease, 500, 600_000);
  const dashboard = env.TAPLINE_DASHBOARD_DIR;
  if (dashboard !== undefined && dashboard !== '') config.dashboardDir = resolve(dashboard);
  return { ...config, ...securityFromFlagsAndEnv(flags, env) };
}

/** Fills defaults, validates, and freezes. Refuses open ingestion or reads on a non-loopback address. */
export function completeConfig(partial: ServerConfigInput): Readonly<ServerConfig> {
  const config: Omit<ServerConfig, keyof ListenerSecurityConfig> = {
    ...DEFAULT_CONFIG,
    ...stripUndefined(partial),
  };
  if (config.host === '') invalid('--host / TAPLINE_HOST', 'must not be empty');
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
    invalid(`--port / TAPLINE_PORT=${config.port}`, 'expected an integer from 0 to 65535');
  }
  if (config.dataDir.trim() === '') invalid('--data-dir / TAPLINE_DATA_DIR', 'must not be empty');
  if (!(config.retentionHours >= 0)) invalid('TAPLINE_RETENTION_HOURS', 'expected a number of hours >= 0');
  if (!(Number.isInteger(config.maxLagRecords) && config.maxLagRecords >= 1)) {
    invalid('TAPLINE_MAX_LAG_RECORDS', 'expected an integer >= 1');
  }
  if (!(Number.isInteger(config.engineHeapMb) && config.engineHeapMb >= 64)) {
    invalid('TAPLINE_ENGINE_HEAP_MB', 'expected an integer >= 64 (megabytes)');
  }
  if (!(Number.isInteger(config.engineWorkingSetMb) && config.engineWorkingSetMb >= 8)) {
    invalid('TAPLINE_ENGINE_WORKING_SET_MB', 'expected an integer >= 8 (megabytes)');
  }
  if (config.engineWorkingSetMb > config.engineHeapMb / 2) {
    invalid(
      `TAPLINE_ENGINE_WORKING_SET_MB=${config.engineWorkingSetMb}`,
      `expected at most half of TAPLINE_ENGINE_HEAP_MB (${config.engineHeapMb}): the engine needs room for batches and commits`,
    );
  }
  for (const key of ['maxEndpointsPerCollection', 'maxParametersPerEndpoint'] as const) {
    if (!(Number.isInteger(config[key]) && config[key] >= 1)) {
      invalid(CONFIG_SOURCES[key].env, 'expected an integer >= 1');
    }
  }
  checkRoleServices(config);
  const listeners = completeListenerSecurity(config, partial);
  return Object.freeze({
    ...config,
    roles: Object.freeze(ROLES.filter((role) => config.roles.includes(role))),
    log: config.log === null ? null : Object.freeze({ ...config.log }),
    store: config.store === null ? null : Object.freeze({ ...config.store }),
    dataDir: resolve(config.dataDir),
    ingestTokens: Object.freeze([...config.ingestTokens]),
    ...listeners,
  });
}

/**
 * Without `--log`/`--store` every role runs on the embedded SQLite store, in one process. Once either is
 * given, or a single role is asked for, each role refuses to start without the services it needs.
 */
function checkRoleServices(config: Pick<ServerConfig, 'roles' | 'log' | 'store' | 'workerLeaseMs'>): void {
  if (config.roles.length === 0) invalid('--role / TAPLINE_ROLE', `expected all or ${ROLES.join(', ')}`);
  if (!(Number.isInteger(config.workerLeaseMs) && config.workerLeaseMs >= 500))
    invalid('TAPLINE_WORKER_LEASE_MS', 'expected an integer >= 500 (milliseconds)');
  const embedded = config.log === null && config.store === null;
  if (embedded && config.roles.length === ROLES.length) return;
  const flagOf = {
    log: '--log / TAPLINE_LOG_URL (nats://host:4222)',
    store: '--store / TAPLINE_STORE_URL (postgres://host:5432/db)',
  };
  for (const role of config.roles)
    for (const need of ROLE_NEEDS[role])
      if (config[need] === null)
        invalid(`--role ${config.roles.join(',')}`, `the ${role} role needs ${flagOf[need]}`);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}
