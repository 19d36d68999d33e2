import { completeConfig, type ServerConfig, type ServerConfigInput } from './config.js';
import { ServerError, ServerErrorCode } from './errors.js';
import { GroupCommitter } from './ingest/group-commit.js';
import { createListenerApp, listen, planListeners, type StartedListener } from './listeners.js';
import { ServerMetrics } from './metrics.js';
import { SqliteInventoryQueries } from './sqlite/sqlite-inventory-queries.js';
import { SqliteTrafficLog } from './sqlite/sqlite-traffic-log.js';
import { type InventoryWorkerHandle, startInventoryWorker } from './worker/inventory-worker.js';

export type StartServerOptions = ServerConfigInput;

export interface RunningServer {
  /** e.g. `http://127.0.0.1:9091` (the bound port when 0 was asked): the dashboard and query API. */
  url: string;
  port: number;
  /** Where producers post `/api/ingestData`: `url` unless ingestion has a listener of its own. */
  ingestUrl: string;
  ingestPort: number;
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

  // The engine may report before the listeners exist; its errors go to the first listener's log.
  let logError: (message: string) => void = (message) => {
    process.stderr.write(`inventory worker error: ${message}\n`);
  };
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
        logError(message);
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

  const deps = { committer, metrics, queries, onAppended: () => worker.wake() };
  const started: StartedListener[] = [];
  const shutdown = async () => {
    await Promise.allSettled(started.map((listener) => listener.app.close()));
    await committer.drain();
    await worker.stop();
    await log.close();
    await queries.close();
  };
  try {
    for (const plan of planListeners(config)) {
      const app = await createListenerApp(plan, config, deps);
      try {
        started.push(await listen(plan, app));
      } catch (error) {
        await app.close();
        throw error;
      }
    }
  } catch (error) {
    await shutdown();
    throw error;
  }
  const main = started[0] as StartedListener;
  const ingest = started.find((listener) => listener.plan.role === 'ingest') ?? main;
  logError = (message) => main.app.log.error({ err: message }, 'inventory worker error');
  let closing: Promise<void> | undefined;
  return {
    url: main.url,
    port: main.port,
    ingestUrl: ingest.url,
    ingestPort: ingest.port,
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
