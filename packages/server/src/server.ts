import Fastify, { LogController } from 'fastify';
import { completeConfig, type ServerConfig } from './config.js';
import { registerDashboard } from './dashboard-static.js';
import { installErrorHandler } from './error-handler.js';
import { ServerError, ServerErrorCode } from './errors.js';
import { GroupCommitter } from './ingest/group-commit.js';
import { ingestRoutes } from './ingest/ingest-route.js';
import { ServerMetrics } from './metrics.js';
import { queryRoutes } from './query/query-routes.js';
import { SqliteInventoryQueries } from './sqlite/sqlite-inventory-queries.js';
import { SqliteTrafficLog } from './sqlite/sqlite-traffic-log.js';
import { type InventoryWorkerHandle, startInventoryWorker } from './worker/inventory-worker.js';

export type StartServerOptions = Partial<ServerConfig>;

export interface RunningServer {
  /** e.g. `http://127.0.0.1:9091` (the bound port when 0 was asked). */
  url: string;
  port: number;
  config: Readonly<ServerConfig>;
  metrics: ServerMetrics;
  /** Resolves once the engine has applied everything stored so far. */
  waitForInventory(timeoutMs?: number): Promise<void>;
  /** Stops accepting, finishes in-flight batches, stops the engine, closes the databases. */
  close(): Promise<void>;
}

/** Starts ingestion, the inventory worker and the query API in this process. */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const config = completeConfig(options);
  const metrics = new ServerMetrics();
  const log = await SqliteTrafficLog.open(config.dataDir, config.sync);
  const queries = await SqliteInventoryQueries.open(config.dataDir, config.sync);
  metrics.headSeq = await log.headSeq();

  const app = Fastify({
    // Logs go to stderr: stdout carries only what the CLI prints (the URL line).
    logger: { level: config.logLevel, stream: process.stderr },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.maxBodyBytes,
  });

  const threadBase = { processed: 0, filtered: 0 };
  const threadCounts = { processed: 0, filtered: 0 };
  let worker: InventoryWorkerHandle;
  try {
    worker = await startInventoryWorker({
      mode: config.workerMode,
      dataDir: config.dataDir,
      sync: config.sync,
      retentionMs: config.retentionHours * 3_600_000,
      heapMb: config.engineHeapMb,
      onProgress: (progress) => {
        // A restarted engine thread counts from zero again; keep the process-wide counters monotonic.
        if (progress.processed < threadCounts.processed) {
          threadBase.processed += threadCounts.processed;
          threadBase.filtered += threadCounts.filtered;
        }
        threadCounts.processed = progress.processed;
        threadCounts.filtered = progress.filtered;
        metrics.checkpoint = progress.checkpoint;
        metrics.processed = threadBase.processed + progress.processed;
        metrics.filtered = threadBase.filtered + progress.filtered;
        metrics.endpoints = progress.endpoints;
      },
      onError: (message) => {
        metrics.workerErrors += 1;
        app.log.error({ err: message }, 'inventory worker error');
      },
    });
  } catch (error) {
    await log.close();
    await queries.close();
    throw error;
  }

  const committer = new GroupCommitter(log, (lastSeq) => {
    metrics.headSeq = Math.max(metrics.headSeq, lastSeq);
  });

  installErrorHandler(app);

  const health = async () => ({
    status: 'ok',
    headSeq: metrics.headSeq,
    checkpoint: metrics.checkpoint,
    lag: metrics.lag,
  });
  app.get('/healthz', health);
  app.get('/healthCheck', health);
  app.get('/metrics', async (_request, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
  );
  await app.register(ingestRoutes, {
    committer,
    metrics,
    tokens: config.ingestTokens,
    maxBodyBytes: config.maxBodyBytes,
    maxLagRecords: config.maxLagRecords,
    onAppended: () => worker.wake(),
  });
  await app.register(queryRoutes, { queries });
  await registerDashboard(app, config.dashboardDir);

  const shutdown = async () => {
    await app.close();
    await committer.drain();
    await worker.stop();
    await log.close();
    await queries.close();
  };

  let address: string;
  try {
    address = await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await shutdown();
    throw new ServerError(
      ServerErrorCode.Config,
      `cannot listen on ${config.host}:${config.port}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  const port = new URL(address).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port: Number(port),
    config,
    metrics,
    waitForInventory: async (timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (metrics.checkpoint < metrics.headSeq) {
        if (Date.now() > deadline) {
          throw new ServerError(
            ServerErrorCode.Worker,
            `inventory did not catch up within ${timeoutMs} ms (checkpoint ${metrics.checkpoint}, head ${metrics.headSeq})`,
          );
        }
        worker.wake();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => {
      closing ??= shutdown();
      return closing;
    },
  };
}
