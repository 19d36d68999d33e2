import { LogNatsError, LogNatsErrorCode } from './errors.js';

/** Everything the JetStream traffic log needs, parsed once and frozen. */
export interface NatsLogSettings {
  /** `host:port` of each NATS server, from a `nats://a:4222,nats://b:4222` URL. */
  servers: readonly string[];
  stream: string;
  /** Subject partitions `<stream>.p.0` … `<stream>.p.<partitions-1>`; fixed for the stream's life. */
  partitions: number;
  /** Copies of each message in a NATS cluster (1 on one server, 3 in a 3-node cluster). */
  replicas: number;
  /** Messages older than this are deleted by the stream (limits retention). */
  maxAgeMs: number;
  /** Stream size limit; when reached, new publishes are refused (retryable) rather than old data dropped. -1: none. */
  maxBytes: number;
  /** Largest message the stream stores; -1: the server's `max_payload`. */
  maxMsgBytes: number;
  /** A message id seen within this window is stored once. */
  duplicateWindowMs: number;
  /** A batch not acknowledged by JetStream within this time is answered as retryable. */
  publishTimeoutMs: number;
  /** A record delivered to a worker but not acknowledged within this time is delivered again. */
  ackWaitMs: number;
}

export const DEFAULT_NATS_LOG_SETTINGS = {
  stream: 'TAPLINE_TRAFFIC',
  partitions: 16,
  replicas: 1,
  maxAgeMs: 24 * 3_600_000,
  maxBytes: 1024 ** 3,
  maxMsgBytes: -1,
  duplicateWindowMs: 120_000,
  publishTimeoutMs: 5_000,
  ackWaitMs: 30_000,
} as const satisfies Omit<NatsLogSettings, 'servers'>;

/** Each setting's environment variable (the URL comes from `--log` / `TAPLINE_LOG_URL`). */
export const NATS_LOG_ENV = {
  stream: 'TAPLINE_NATS_STREAM',
  partitions: 'TAPLINE_PARTITIONS',
  replicas: 'TAPLINE_NATS_REPLICAS',
  maxAgeMs: 'TAPLINE_NATS_MAX_AGE_HOURS',
  maxBytes: 'TAPLINE_NATS_MAX_BYTES',
  maxMsgBytes: 'TAPLINE_NATS_MAX_MSG_BYTES',
  duplicateWindowMs: 'TAPLINE_NATS_DUPLICATE_WINDOW_MS',
  publishTimeoutMs: 'TAPLINE_PUBLISH_TIMEOUT_MS',
  ackWaitMs: 'TAPLINE_NATS_ACK_WAIT_MS',
} as const;

function invalid(what: string, fix: string): never {
  throw new LogNatsError(LogNatsErrorCode.Config, `${what}: ${fix}`);
}

function integerIn(name: string, raw: string, min: number, max: number): number {
  const text = raw.trim();
  const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max))
    invalid(`${name}=${JSON.stringify(raw)}`, `expected an integer from ${min} to ${max}`);
  return value;
}

/** Stream names become the first subject token: no dots, wildcards or whitespace. */
const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** `nats://host:port[,nats://host:port…]` into `host:port` entries; throws naming `source` when malformed. */
export function parseNatsUrl(source: string, raw: string): string[] {
  const servers: string[] = [];
  for (const part of raw.split(',')) {
    let url: URL;
    try {
      url = new URL(part.trim());
    } catch (cause) {
      throw new LogNatsError(
        LogNatsErrorCode.Config,
        `${source}=${JSON.stringify(raw)}: expected nats://host:port`,
        { cause },
      );
    }
    if (url.protocol !== 'nats:' || url.hostname === '')
      invalid(`${source}=${JSON.stringify(raw)}`, 'expected nats://host:port');
    servers.push(`${url.hostname}:${url.port || '4222'}`);
  }
  return servers;
}

/** Strict: every malformed value throws a `TAPLINE_LOG_NATS_CONFIG` error naming the variable. */
export function parseNatsLogSettings(
  logUrl: { source: string; value: string },
  env: Readonly<Record<string, string | undefined>>,
): Readonly<NatsLogSettings> {
  const d = DEFAULT_NATS_LOG_SETTINGS;
  const int = (key: keyof typeof NATS_LOG_ENV, fallback: number, min: number, max: number): number => {
    const raw = env[NATS_LOG_ENV[key]];
    return raw === undefined || raw.trim() === '' ? fallback : integerIn(NATS_LOG_ENV[key], raw, min, max);
  };
  const stream = env[NATS_LOG_ENV.stream]?.trim() || d.stream;
  if (!STREAM_NAME.test(stream))
    invalid(`${NATS_LOG_ENV.stream}=${JSON.stringify(stream)}`, 'expected 1-64 letters, digits, _ or -');
  const maxAgeHours = int('maxAgeMs', d.maxAgeMs / 3_600_000, 1, 24 * 365);
  const settings: NatsLogSettings = {
    servers: parseNatsUrl(logUrl.source, logUrl.value),
    stream,
    partitions: int('partitions', d.partitions, 1, 1024),
    replicas: int('replicas', d.replicas, 1, 5),
    maxAgeMs: maxAgeHours * 3_600_000,
    maxBytes: int('maxBytes', d.maxBytes, -1, Number.MAX_SAFE_INTEGER),
    maxMsgBytes: int('maxMsgBytes', d.maxMsgBytes, -1, 64 * 1024 * 1024),
    duplicateWindowMs: int('duplicateWindowMs', d.duplicateWindowMs, 1_000, maxAgeHours * 3_600_000),
    publishTimeoutMs: int('publishTimeoutMs', d.publishTimeoutMs, 100, 600_000),
    ackWaitMs: int('ackWaitMs', d.ackWaitMs, 1_000, 3_600_000),
  };
  if (settings.maxBytes === 0)
    invalid(`${NATS_LOG_ENV.maxBytes}=0`, 'expected -1 (no limit) or a byte count');
  return Object.freeze({ ...settings, servers: Object.freeze(settings.servers) });
}
