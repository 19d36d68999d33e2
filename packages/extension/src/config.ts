import type { Logger } from './logger.js';

/** Everything the extension reads from its environment, parsed once at start. */
export interface ExtensionConfig {
  /** Where mirrored batches go; undefined disables mirroring (the proxy still proxies). */
  readonly ingestUrl: URL | undefined;
  readonly listenerPort: number;
  /** `host:port` of the Runtime API the proxy forwards to. */
  readonly upstream: string;
  /** `host:port` of the Extensions API (always the real Runtime API host). */
  readonly extensionsApi: string | undefined;
  readonly extensionName: string;
  readonly functionName: string;
  /** `AWS_LAMBDA_FUNCTION_VERSION` (`$LATEST` or a number). */
  readonly functionVersion: string | undefined;
  /** `AWS_LAMBDA_INITIALIZATION_TYPE`: on-demand, provisioned-concurrency or snap-start. */
  readonly initializationType: string | undefined;
  readonly token: string | undefined;
  readonly batchSize: number;
  readonly lingerMs: number;
  readonly flushTimeoutMs: number;
  /** Flush at every invocation boundary (default), or only when a batch is due (size or linger reached). */
  readonly flushEachInvoke: boolean;
  readonly maxBodyBytes: number;
  readonly sampleRate: number;
  /** Lower-cased header names whose values are masked. */
  readonly maskHeaders: ReadonlySet<string>;
  readonly tlsVerify: boolean;
  readonly queueMaxRecords: number;
  readonly queueMaxBytes: number;
}

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULTS = {
  listenerPort: 9009,
  batchSize: 100,
  lingerMs: 1000,
  flushTimeoutMs: 300,
  maxBodyBytes: 1024 * 1024,
  sampleRate: 1,
  queueMaxRecords: 1000,
  queueMaxBytes: 16 * 1024 * 1024,
} as const;

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v === undefined || v === '' ? undefined : v;
}

/**
 * Lenient parsing: a bad value is logged once with the fallback used, never thrown, because a
 * misconfigured extension must not break the function it sits in.
 */
export function parseConfig(env: Env, log: Logger): ExtensionConfig {
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = nonEmpty(env[name]);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      log.warn(`${name} is not an integer from ${min} to ${max}; using ${fallback}`, { value: raw });
      return fallback;
    }
    return n;
  };

  let ingestUrl: URL | undefined;
  const rawUrl = nonEmpty(env.AKTO_MIRRORING_URL) ?? nonEmpty(env.TAPLINE_INGEST_URL);
  if (rawUrl !== undefined) {
    try {
      const url = new URL(rawUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
      ingestUrl = url;
    } catch {
      log.warn('AKTO_MIRRORING_URL is not an http(s) URL; mirroring disabled', { value: rawUrl });
    }
  }

  let sampleRate: number = DEFAULTS.sampleRate;
  const rawRate = nonEmpty(env.TAPLINE_SAMPLE_RATE);
  if (rawRate !== undefined) {
    const r = Number(rawRate);
    if (Number.isFinite(r) && r >= 0 && r <= 1) sampleRate = r;
    else
      log.warn(`TAPLINE_SAMPLE_RATE is not a number from 0 to 1; using ${DEFAULTS.sampleRate}`, {
        value: rawRate,
      });
  }

  const bool = (name: string, fallback: boolean): boolean => {
    const raw = nonEmpty(env[name])?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(raw)) return true;
    if (['false', '0', 'no', 'off'].includes(raw)) return false;
    log.warn(`${name} is not true/false; using ${fallback}`, { value: raw });
    return fallback;
  };

  let tlsVerify = true;
  const rawVerify = nonEmpty(env.TAPLINE_TLS_VERIFY)?.toLowerCase();
  if (rawVerify !== undefined) {
    if (['false', '0', 'no', 'off'].includes(rawVerify)) {
      tlsVerify = false;
      log.warn('TAPLINE_TLS_VERIFY=false: the collector certificate is NOT verified');
    } else if (!['true', '1', 'yes', 'on'].includes(rawVerify)) {
      log.warn('TAPLINE_TLS_VERIFY is not true/false; verifying certificates', { value: rawVerify });
    }
  }

  const maskHeaders = new Set(
    (env.TAPLINE_MASK_HEADERS ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== ''),
  );

  // The token goes into a header line: control characters would split it (and leak the rest).
  let token = nonEmpty(env.TAPLINE_INGEST_TOKEN) ?? nonEmpty(env.AKTO_API_TOKEN);
  if (token !== undefined && !/^[\x20-\x7e]+$/.test(token)) {
    log.warn('ingestion token holds characters a header cannot carry; sending none');
    token = undefined;
  }

  const runtimeApi = nonEmpty(env.AWS_LAMBDA_RUNTIME_API);
  const upstream = nonEmpty(env.LRAP_RUNTIME_API_ENDPOINT) ?? runtimeApi ?? '127.0.0.1:9001';
  if (runtimeApi === undefined) log.warn('AWS_LAMBDA_RUNTIME_API is not set; not running inside Lambda?');

  return Object.freeze({
    ingestUrl,
    listenerPort: int('LRAP_LISTENER_PORT', DEFAULTS.listenerPort, 1, 65535),
    upstream,
    extensionsApi: runtimeApi,
    extensionName: nonEmpty(env.TAPLINE_EXTENSION_NAME) ?? 'tapline',
    functionName: nonEmpty(env.AWS_LAMBDA_FUNCTION_NAME) ?? 'function',
    functionVersion: nonEmpty(env.AWS_LAMBDA_FUNCTION_VERSION),
    initializationType: nonEmpty(env.AWS_LAMBDA_INITIALIZATION_TYPE),
    token,
    batchSize: int('TAPLINE_BATCH_SIZE', DEFAULTS.batchSize, 1, 10_000),
    lingerMs: int('TAPLINE_BATCH_LINGER_MS', DEFAULTS.lingerMs, 0, 600_000),
    flushTimeoutMs: int('TAPLINE_FLUSH_TIMEOUT_MS', DEFAULTS.flushTimeoutMs, 0, 60_000),
    flushEachInvoke: bool('TAPLINE_FLUSH_EACH_INVOKE', true),
    maxBodyBytes: int('TAPLINE_MAX_BODY_BYTES', DEFAULTS.maxBodyBytes, 0, 64 * 1024 * 1024),
    sampleRate,
    maskHeaders,
    tlsVerify,
    queueMaxRecords: int('TAPLINE_QUEUE_MAX_RECORDS', DEFAULTS.queueMaxRecords, 1, 1_000_000),
    queueMaxBytes: int('TAPLINE_QUEUE_MAX_BYTES', DEFAULTS.queueMaxBytes, 1024, 1024 * 1024 * 1024),
  });
}
