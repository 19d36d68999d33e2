import { completeConfig, type ServerConfig, type ServerConfigInput } from './config.js';
import { ServerError, ServerErrorCode } from './errors.js';
import { GroupCommitter } from './ingest/group-commit.js';
import { createListenerApp, listen, planListeners, type StartedListener } from './listeners.js';
import { ServerMetrics } from './metrics.js';
import { sqliteStorage } from './sqlite/sqlite-storage.js';
import type { StorageWiring } from './storage.js';
import { type InventoryWorkerHandle, startInventoryWorker } from './worker/inventory-worker.js';

export type StartServerOptions = ServerConfigInput;

/** What the server is built from, beyond its configuration. */
export interface ServerParts {
  /** Traffic log, inventory store and queries; SQLite files under the data directory by default. */
  storage?: StorageWiring;
  /** Fault injection for tests: the engine thread exits as it is about to apply this seq. */
  engineExitAtSeq?: number;
}

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

/** Where the engine's events are logged: the main listener's logger once it exists. */
interface EngineLog {
  error(fields: object, message: string): void;
  warn(fields: object, message: string): void;
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

  // The engine may report before the listeners exist; its errors go to the first listener's log.
  let engineLog: EngineLog = {
    error: (fields, message) => process.stderr.write(`${message} ${JSON.stringify(fields)}\n`),
    warn: (fields, message) => process.stderr.write(`${message} ${JSON.stringify(fields)}\n`),
  };
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
          engineLog.error(
            { seq: event.seq, reason: event.reason },
            'inventory record set aside: it killed the engine on every attempt (kept in isolated_records)',
          );
        } else {
          engineLog.warn(
            { collection: event.name, collectionId: event.collectionId, cap: event.cap },
            event.cap === 'endpoints'
              ? 'collection reached its endpoint cap: calls to further endpoints are counted, not stored'
              : 'an endpoint of this collection reached its parameter cap: further parameters are counted, not stored',
          );
        }
      },
      onError: (message) => {
        metrics.workerErrors += 1;
        engineLog.error({ err: message }, 'inventory worker error');
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
  engineLog = main.app.log;
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
