/** One JSON line per message; warnings with a key are rate-limited so a dead collector cannot flood logs. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  readonly level: LogLevel;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A warning emitted at most once per `windowMs` per key; suppressed repeats are counted in the next one. */
  warnLimited(key: string, msg: string, fields?: LogFields): void;
  /** A message emitted once for the life of the process. */
  once(key: string, level: LogLevel, msg: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  windowMs?: number;
  write?: (line: string, level: LogLevel) => void;
  now?: () => number;
}

export function parseLogLevel(value: string | undefined): LogLevel | undefined {
  const v = value?.trim().toLowerCase();
  return v === 'debug' || v === 'info' || v === 'warn' || v === 'error' ? v : undefined;
}

function defaultWrite(line: string, level: LogLevel): void {
  (level === 'warn' || level === 'error' ? process.stderr : process.stdout).write(line);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const threshold = LEVELS[level];
  const windowMs = options.windowMs ?? 60_000;
  const write = options.write ?? defaultWrite;
  const now = options.now ?? Date.now;
  const limited = new Map<string, { last: number; suppressed: number }>();
  const seen = new Set<string>();

  const emit = (lvl: LogLevel, msg: string, fields?: LogFields): void => {
    if (LEVELS[lvl] < threshold) return;
    const line = JSON.stringify({
      time: new Date(now()).toISOString(),
      level: lvl,
      ext: 'tapline',
      msg,
      ...fields,
    });
    write(`${line}\n`, lvl);
  };

  return {
    level,
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    warnLimited(key, msg, fields) {
      const t = now();
      const state = limited.get(key);
      if (state && t - state.last < windowMs) {
        state.suppressed += 1;
        return;
      }
      const suppressed = state?.suppressed ?? 0;
      limited.set(key, { last: t, suppressed: 0 });
      emit('warn', msg, suppressed > 0 ? { ...fields, suppressed } : fields);
    },
    once(key, lvl, msg, fields) {
      if (seen.has(key)) return;
      seen.add(key);
      emit(lvl, msg, fields);
    },
  };
}
