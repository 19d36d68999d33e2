import { createCollectorClient } from './collector-client.js';
import { type Env, type ExtensionConfig, parseConfig } from './config.js';
import { ExtensionError, ExtensionErrorCode } from './errors.js';
import { type ExtensionEvent, ExtensionsApiClient } from './extensions-api-client.js';
import { collectGarbage } from './garbage-collector.js';
import { InvocationTap } from './invocation-tap.js';
import { createLogger, type Logger, parseLogLevel } from './logger.js';
import { MirrorQueue, type QueueStats } from './mirror-queue.js';
import { type RuntimeProxy, startRuntimeProxy } from './runtime-proxy.js';
import { VERSION } from './version.js';

/** Time kept back from the SHUTDOWN deadline so the process exits before Lambda kills it. */
const SHUTDOWN_MARGIN_MS = 200;
/** Bytes of large captured bodies after which an explicit collection is worth its few milliseconds. */
const LARGE_GARBAGE_BYTES = 2 * 1024 * 1024;
/** Invocations smaller than this leave garbage the young generation handles: they never force a collection. */
const LARGE_BODY_BYTES = 64 * 1024;

export interface RunningExtension {
  readonly config: ExtensionConfig;
  readonly proxyPort: number;
  stats(): QueueStats | undefined;
  /** Resolves when the event loop ends: SHUTDOWN handled, not registered, or failed (the proxy keeps serving). */
  readonly done: Promise<'shutdown' | 'unregistered' | 'failed'>;
  /** Flushes within `budgetMs` and releases every socket. */
  stop(budgetMs?: number): Promise<void>;
}

export interface StartOptions {
  env: Env;
  logger?: Logger;
  /** Listen on this port instead of LRAP_LISTENER_PORT (tests use 0). */
  listenPort?: number;
  /** Skip the Extensions API (tests that drive the proxy alone). */
  register?: boolean;
}

/**
 * Wires the extension: config, proxy, tap, queue, collector, and the INVOKE/SHUTDOWN loop.
 * The listener is up before registering, so the runtime never finds the port closed.
 */
export async function startExtension(options: StartOptions): Promise<RunningExtension> {
  const log =
    options.logger ?? createLogger({ level: parseLogLevel(options.env.TAPLINE_LOG_LEVEL) ?? 'info' });
  const config = parseConfig(options.env, log);
  const queue =
    config.ingestUrl === undefined
      ? undefined
      : new MirrorQueue({
          client: createCollectorClient({
            url: config.ingestUrl,
            token: config.token,
            tlsVerify: config.tlsVerify,
          }),
          log,
          batchSize: config.batchSize,
          sendOnPush: config.flushEachInvoke,
          lingerMs: config.lingerMs,
          maxRecords: config.queueMaxRecords,
          maxBytes: config.queueMaxBytes,
          backgroundTimeoutMs: Math.max(config.flushTimeoutMs, 2000),
        });
  if (queue === undefined)
    log.once('disabled', 'info', 'mirroring disabled: AKTO_MIRRORING_URL is not set; proxying only');

  const tap = new InvocationTap({
    enabled: queue !== undefined,
    functionName: config.functionName,
    maxBodyBytes: config.maxBodyBytes,
    sampleRate: config.sampleRate,
    maskHeaders: config.maskHeaders,
    log,
    onRecord: (record) => queue?.push(record),
    ...(config.initializationType !== undefined ? { initializationType: config.initializationType } : {}),
    ...(config.functionVersion !== undefined ? { functionVersion: config.functionVersion } : {}),
  });

  let proxy: RuntimeProxy;
  try {
    proxy = await startRuntimeProxy({
      port: options.listenPort ?? config.listenerPort,
      upstream: config.upstream,
      tap,
      log,
    });
  } catch (cause) {
    throw new ExtensionError(ExtensionErrorCode.Listen, `cannot listen on 127.0.0.1:${config.listenerPort}`, {
      cause,
    });
  }
  log.info('tapline extension started', {
    version: VERSION,
    listener: `127.0.0.1:${proxy.port}`,
    upstream: config.upstream,
    collector:
      config.ingestUrl === undefined ? null : `${config.ingestUrl.origin}${config.ingestUrl.pathname}`,
    flushTimeoutMs: config.flushTimeoutMs,
    flushEachInvoke: config.flushEachInvoke,
    sampleRate: config.sampleRate,
  });

  const flush = (budgetMs: number): Promise<void> => queue?.flush(budgetMs) ?? Promise.resolve();
  // Large payloads leave megabytes of garbage; V8 would let the heap grow far before collecting it,
  // so collect once enough large bodies went through.
  let bytesSinceGc = 0;
  tap.onCapturedBytes = (bytes) => {
    if (bytes >= LARGE_BODY_BYTES) bytesSinceGc += bytes;
  };
  const collectIfLarge = (): void => {
    if (bytesSinceGc < LARGE_GARBAGE_BYTES) return;
    bytesSinceGc = 0;
    collectGarbage();
  };
  let api: ExtensionsApiClient | undefined;
  let stopped = false;

  const loop = async (): Promise<'shutdown' | 'unregistered'> => {
    if (options.register === false) return 'unregistered';
    if (config.extensionsApi === undefined) {
      log.error('AWS_LAMBDA_RUNTIME_API is not set: cannot register; proxying only');
      return 'unregistered';
    }
    api = new ExtensionsApiClient(config.extensionsApi);
    await api.register(config.extensionName, ['INVOKE', 'SHUTDOWN']);
    log.debug('registered', { name: config.extensionName });
    while (!stopped) {
      const event: ExtensionEvent = await api.next();
      if (event.eventType === 'SHUTDOWN') {
        await flush(Math.max(0, event.deadlineMs - Date.now() - SHUTDOWN_MARGIN_MS));
        const stats = queue?.getStats();
        if (stats !== undefined && (stats.dropped > 0 || stats.queued > 0))
          log.warn('shutdown with undelivered records', { ...stats });
        return 'shutdown';
      }
      const forwardedAt = await tap.waitForResult(event.requestId, event.deadlineMs);
      // The budget counts from the moment the runtime's result went upstream, mapping included.
      const spent = forwardedAt === undefined ? 0 : performance.now() - forwardedAt;
      if (config.flushEachInvoke || queue?.isDue() === true)
        await flush(Math.max(0, config.flushTimeoutMs - spent));
      collectIfLarge();
      if (log.level === 'debug')
        log.debug('invocation done', { requestId: event.requestId, memory: process.memoryUsage() });
    }
    return 'shutdown';
  };

  const done = loop().catch((error: unknown): 'failed' => {
    if (stopped) return 'failed';
    log.error('extension event loop stopped; still proxying', {
      error: error instanceof Error ? error.message : String(error),
    });
    return 'failed';
  });

  return {
    config,
    proxyPort: proxy.port,
    stats: () => queue?.getStats(),
    done,
    async stop(budgetMs = config.flushTimeoutMs) {
      stopped = true;
      await flush(budgetMs);
      api?.close();
      await proxy.close();
    },
  };
}
