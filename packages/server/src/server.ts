import Fastify, { LogController } from 'fastify';
import { completeConfig, type ServerConfig } from './config.js';
import { registerDashboard } from './dashboard-static.js';
import { installErrorHandler } from './error-handler.js';
import { ServerError, ServerErrorCode } from './errors.js';
import { GroupCommitter } from './ingest/group-commit.js';
import { ingestRoutes } from './ingest/ingest-route.js';
import { ServerMetrics } from './metrics.js';
import { queryRoutes } from './query/query-routes.js';
import { sqliteStorage } from './sqlite/sqlite-storage.js';
import type { StorageWiring } from './storage.js';
import { type InventoryWorkerHandle, startInventoryWorker } from './worker/inventory-worker.js';

export type StartServerOptions = Partial<ServerConfig>;

/** What the server is built from, beyond its configuration. */
export interface ServerParts {
  /** Traffic log, inventory store and queries; SQLite files under the data directory by default. */
  storage?: StorageWiring;
  /** Fault injection for tests: the engine thread exits as it is about to apply this seq. */
  engineExitAtSeq?: number;
}

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
export async function startServer(
  options: StartServerOptions = {},
  parts: ServerParts = {},
): Promise<RunningServer> {
  const config = completeConfig(options);
  const metrics = new ServerMetrics();
  const storage = parts.storage ?? sqliteStorage;
  const settings = { dataDir: config.dataDir, sync: config.sync };
  const log = await storage.factories.trafficLog(settings);
  const queries = await storage.factories.inventoryQueries(settings);
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
      storage,
      dataDir: config.dataDir,
      sync: config.sync,
      retentionMs: config.retentionHours * 3_600_000,
      heapMb: config.engineHeapMb,
      workingSetBytes: config.engineWorkingSetMb * 1024 * 1024,
      maxEndpointsPerCollection: config.maxEndpointsPerCollection,
      maxParametersPerEndpoint: config.maxParametersPerEndpoint,
      ...(parts.engineExitAtSeq === undefined ? {} : { exitAtSeq: parts.engineExitAtSeq }),
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
        metrics.isolated = progress.isolated;
        metrics.callsOverEndpointCap = progress.callsOverEndpointCap;
        metrics.valuesOverParameterCap = progress.valuesOverParameterCap;
        metrics.workingSetBytes = progress.workingSetBytes;
        metrics.residentCollections = progress.residentCollections;
      },
      onEvent: (event) => {
        if (event.type === 'isolated') {
          app.log.error(
            { seq: event.seq, reason: event.reason },
            'inventory record set aside: it killed the engine on every attempt (kept in isolated_records)',
          );
        } else {
          app.log.warn(
            { collection: event.name, collectionId: event.collectionId, cap: event.cap },
            event.cap === 'endpoints'
              ? 'collection reached its endpoint cap: calls to further endpoints are counted, not stored'
              : 'an endpoint of this collection reached its parameter cap: further parameters are counted, not stored',
          );
        }
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
