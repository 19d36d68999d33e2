/**
 * `tapline serve --log nats://… --store postgres://… --role …`: opens what the process's roles need on
 * NATS JetStream and PostgreSQL. Loaded only when `--log` or `--store` is given, so the embedded mode
 * never loads the NATS or PostgreSQL clients.
 */
import { hostname } from 'node:os';
import {
  NatsTrafficLog,
  type PartitionReader,
  parseNatsLogSettings,
  type StreamRecord,
} from '@tapline/log-nats';
import type { ServerConfig, ServerMetrics, ServiceParts } from '@tapline/server';
import {
  InventoryPartitionWorker,
  openInventoryDatabase,
  PostgresInventoryQueries,
} from '@tapline/store-postgres';
import { natsIngestSink } from './nats-ingest-sink.js';
import { DelayWindow, workerMetricSamples } from './worker-metrics.js';

type Env = Readonly<Record<string, string | undefined>>;

const LAG_POLL_MS = 2_000;

/** Test fault: the worker SIGKILLs itself on its n-th acknowledgement, i.e. after that commit, before JetStream hears of it. */
const KILL_AFTER_COMMITS = 'TAPLINE_TEST_KILL_AFTER_COMMITS';

export async function openScaleOutServices(
  config: Readonly<ServerConfig>,
  metrics: ServerMetrics,
  env: Env,
): Promise<ServiceParts> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => {});
  };
  const roles = new Set(config.roles);
  const id = `${hostname()}-${process.pid}`;
  try {
    const parts: ServiceParts = { close };
    let log: NatsTrafficLog | undefined;
    if (config.log !== null && (roles.has('ingest') || roles.has('worker'))) {
      const settings = parseNatsLogSettings({ source: config.log.source, value: config.log.url }, env);
      const opened = await NatsTrafficLog.open(settings, `tapline-${config.roles.join('-')}-${id}`);
      log = opened;
      closers.push(() => opened.close());
    }
    if (roles.has('ingest') && log !== undefined) parts.ingest = natsIngestSink(log);
    if (roles.has('worker') && log !== undefined && config.store !== null) {
      const worker = await startWorker(config, metrics, log, id, env);
      closers.push(worker.close);
      parts.health = worker.health;
    }
    if (roles.has('query') && config.store !== null) {
      const queries = await PostgresInventoryQueries.open({
        url: config.store.url,
        source: config.store.source,
        applicationName: 'tapline-query',
      });
      closers.push(() => queries.close());
      parts.queries = queries;
    }
    const workerHealth = parts.health;
    parts.health = async () => ({
      status: 'ok',
      roles: config.roles,
      ...(workerHealth === undefined ? {} : await workerHealth()),
    });
    return parts;
  } catch (error) {
    await close();
    throw error;
  }
}

async function startWorker(
  config: Readonly<ServerConfig>,
  metrics: ServerMetrics,
  log: NatsTrafficLog,
  id: string,
  env: Env,
): Promise<{ close: () => Promise<void>; health: () => Promise<Record<string, unknown>> }> {
  const store = config.store as NonNullable<ServerConfig['store']>;
  const pg = await openInventoryDatabase({
    url: store.url,
    source: store.source,
    applicationName: 'tapline-worker',
  });
  const killAfter = Number(env[KILL_AFTER_COMMITS] ?? '0');
  let acks = 0;
  const readers = new Map<number, PartitionReader>();
  const delays = new DelayWindow();
  const worker = new InventoryPartitionWorker<StreamRecord>({
    db: pg.db,
    workerId: `worker-${id}-${Math.random().toString(36).slice(2, 8)}`,
    partitions: log.settings.partitions,
    leaseMs: config.workerLeaseMs,
    workingSetBytes: config.engineWorkingSetMb * 1024 * 1024,
    engineOptions: {
      maxEndpointsPerCollection: config.maxEndpointsPerCollection,
      maxParametersPerEndpoint: config.maxParametersPerEndpoint,
    },
    retryMs: 500,
    openSource: async (partition, checkpoint) => {
      const reader = await log.openPartitionReader(partition, checkpoint);
      readers.set(partition, reader);
      return {
        read: (limit, waitMs) => reader.read(limit, waitMs),
        close: async () => {
          if (readers.get(partition) === reader) readers.delete(partition);
          await reader.close();
        },
        ack: async (seq) => {
          acks += 1;
          if (killAfter > 0 && acks >= killAfter) process.kill(process.pid, 'SIGKILL');
          await reader.ack(seq);
        },
      };
    },
    onCommitted: (_partition, records, changes) => {
      const now = Date.now();
      for (const r of records) delays.add(now - r.storedAtMs);
      metrics.processed += changes.processed + changes.filtered;
      metrics.filtered += changes.filtered;
    },
    onError: (error, partition) => {
      metrics.workerErrors += 1;
      process.stderr.write(
        `${JSON.stringify({ level: 40, msg: 'inventory worker step failed', partition, err: String(error) })}\n`,
      );
    },
  });
  let lag = 0;
  const pollLag = async () => {
    let total = 0;
    for (const reader of readers.values()) total += await reader.lag().catch(() => 0);
    lag = total;
  };
  const timer = setInterval(() => void pollLag().catch(() => {}), LAG_POLL_MS);
  timer.unref();
  metrics.sources.push(() => {
    const s = worker.stats();
    return workerMetricSamples({ ...s, owned: s.owned.length, lag }, delays);
  });
  worker.start();
  return {
    close: async () => {
      clearInterval(timer);
      await worker.stop({ release: true });
      await pg.close();
    },
    health: async () => {
      const s = worker.stats();
      return { ownedPartitions: s.owned, commits: s.commits, applied: s.applied, lag };
    },
  };
}
