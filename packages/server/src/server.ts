import { completeConfig, type ServerConfig, type ServerConfigInput } from './config.js';
import { ServerError, ServerErrorCode } from './errors.js';
import { committerSink, GroupCommitter } from './ingest/group-commit.js';
import type { IngestSink } from './ingest/ingest-sink.js';
import {
  createListenerApp,
  type ListenerDeps,
  listen,
  planListeners,
  type StartedListener,
} from './listeners.js';
import { ServerMetrics } from './metrics.js';
import type { InventoryQueries } from './query/inventory-queries.js';
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
  /**
   * The roles on external services (`--log`/`--store`) instead of the embedded store: called once with
   * the process's metrics, it opens what `config.roles` need. The server then runs no engine of its own.
   */
  services?: (config: Readonly<ServerConfig>, metrics: ServerMetrics) => Promise<ServiceParts>;
}

/** What the roles of a scale-out process run on; absent parts are roles this process does not have. */
export interface ServiceParts {
  ingest?: IngestSink;
  queries?: InventoryQueries;
  /** What `/healthz` reports. */
  health?: () => Promise<Record<string, unknown>>;
  /** Resolves once the work accepted so far is reflected in what `queries` read (tests, tools). */
  waitForInventory?(timeoutMs: number): Promise<void>;
  /** Stops the role's work (a worker's partitions) and closes the connections; after the listeners closed. */
  close(): Promise<void>;
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
  if (parts.services !== undefined) return startWithServices(config, metrics, parts.services);
  if (config.log !== null || config.store !== null)
    throw new ServerError(
      ServerErrorCode.Config,
      `${config.log?.source ?? config.store?.source}: this entry point serves the embedded store only; run \`tapline serve\`, which opens NATS and PostgreSQL`,
    );
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

  const deps = { ingest: committerSink(committer), metrics, queries, onAppended: () => worker.wake() };
  const started = await startListeners(config, deps, async () => {
    await committer.drain();
    await worker.stop();
    await log.close();
    await queries.close();
  });
  engineLog = started.main.app.log;
  return {
    ...started.addresses,
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
    close: started.close,
  };
}

/** The listeners of `config`, and a close that stops them first, then runs `after` (once). */
async function startListeners(
  config: Readonly<ServerConfig>,
  deps: ListenerDeps,
  after: () => Promise<void>,
): Promise<{
  main: StartedListener;
  addresses: Pick<RunningServer, 'url' | 'port' | 'ingestUrl' | 'ingestPort'>;
  close: () => Promise<void>;
}> {
  const started: StartedListener[] = [];
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await Promise.allSettled(started.map((listener) => listener.app.close()));
      await deps.ingest?.drain();
      await after();
    })();
    return closing;
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
    await close();
    throw error;
  }
  const main = started[0] as StartedListener;
  const ingest = started.find((listener) => listener.plan.role === 'ingest') ?? main;
  return {
    main,
    addresses: { url: main.url, port: main.port, ingestUrl: ingest.url, ingestPort: ingest.port },
    close,
  };
}

async function startWithServices(
  config: Readonly<ServerConfig>,
  metrics: ServerMetrics,
  open: NonNullable<ServerParts['services']>,
): Promise<RunningServer> {
  const services = await open(config, metrics);
  const deps: ListenerDeps = {
    metrics,
    onAppended: () => {},
    ...(services.ingest === undefined ? {} : { ingest: services.ingest }),
    ...(services.queries === undefined ? {} : { queries: services.queries }),
    ...(services.health === undefined ? {} : { health: services.health }),
  };
  const started = await startListeners(config, deps, () => services.close());
  return {
    ...started.addresses,
    config,
    metrics,
    waitForInventory: async (timeoutMs = 30_000) => services.waitForInventory?.(timeoutMs),
    close: started.close,
  };
}
