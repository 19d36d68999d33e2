import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildLayer } from '@tapline/extension';
import { defaultDashboardDir, type RunningServer, startServer } from '@tapline/server';
import { DemoFunction } from './demo-function.js';
import { DIRECT_RESOLVER_FIELDS, LocalAppSync, LocalAppSyncServer } from './local-appsync.js';
import { ProgressBar } from './progress-bar.js';
import { DEMO_SCHEMA } from './schema.js';
import { type DemoRequest, demoTraffic } from './traffic.js';

export const APPSYNC_HOST = 'shop-graphql.appsync-api.us-east-1.amazonaws.com';

export interface DemoOptions {
  /** Port of `tapline serve` (0: any free port). */
  port: number;
  requests: number;
  /** Where the inventory lives; a temporary directory (removed on stop) when unset. */
  dataDir?: string;
  /** Status lines (stderr in the CLI). */
  log: (line: string) => void;
  progress?: NodeJS.WriteStream;
}

export interface CollectionSummary {
  id: number | string;
  name: string;
  tags: unknown;
  endpoints: number;
}

export interface RunningDemo {
  serverUrl: string;
  graphqlUrl: string;
  apiKey: string;
  sent: { ok: number; failed: number };
  collections: CollectionSummary[];
  stop(): Promise<void>;
}

type Cleanup = () => Promise<void>;

/**
 * The whole chain on one machine without AWS: `tapline serve`, the built layer on two emulated Lambda
 * functions (an AppSync data source and a REST API), AppSync simulated in front of the first, and a stream
 * of requests through both.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const cleanups: Cleanup[] = [];
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => options.log(`cleanup failed: ${String(error)}`));
    }
  };
  try {
    const scratch = await mkdtemp(path.join(tmpdir(), 'tapline-demo-'));
    cleanups.push(() => rm(scratch, { recursive: true, force: true }));
    const dataDir = options.dataDir ?? path.join(scratch, 'data');

    const server: RunningServer = await startServer({
      host: '127.0.0.1',
      port: options.port,
      dataDir,
      logLevel: 'warn',
      dashboardDir: defaultDashboardDir(),
    });
    cleanups.push(() => server.close());
    options.log(`tapline serve is listening on ${server.url} (data in ${dataDir})`);

    const arch = process.arch === 'arm64' ? 'arm64' : 'x86_64';
    const layer = await buildLayer({ arch, outDir: path.join(scratch, 'layer') });
    options.log(`built the ${arch} layer: ${layer.zipPath}`);

    const ingestUrl = `${server.url}/api/ingestData`;
    const [graphqlFn, restFn] = await Promise.all([
      DemoFunction.start({ name: 'graphql-api', layerDir: layer.layerDir, ingestUrl }),
      DemoFunction.start({ name: 'rest-api', layerDir: layer.layerDir, ingestUrl }),
    ]);
    cleanups.push(
      () => graphqlFn.shutdown(),
      () => restFn.shutdown(),
    );
    options.log(
      `started 2 emulated Lambda functions with extensions: ${graphqlFn.registeredExtensions.join(', ')}`,
    );

    const apiKey = `da2-${randomBytes(13).toString('hex')}`;
    const appsync = await LocalAppSyncServer.start(
      new LocalAppSync(DEMO_SCHEMA, graphqlFn, APPSYNC_HOST),
      apiKey,
    );
    cleanups.push(() => appsync.close());
    options.log(`simulated AppSync GraphQL API on ${appsync.url} (x-api-key: ${apiKey})`);
    options.log(
      `resolvers: Tapline's VTL template on the root fields; a direct Lambda resolver (no template) on ${DIRECT_RESOLVER_FIELDS.map((f) => `${f.type}.${f.field}`).join(', ')}`,
    );

    const traffic = demoTraffic(options.requests, apiKey);
    const bar = new ProgressBar(traffic.length, options.progress ?? process.stderr);
    const sent = { ok: 0, failed: 0 };
    for (const [index, request] of traffic.entries()) {
      if (await send(request, appsync.url, restFn)) sent.ok += 1;
      else sent.failed += 1;
      bar.update(index + 1, request.label);
    }
    await server.waitForInventory(30_000);
    const collections = await fetchCollections(server.url);
    return { serverUrl: server.url, graphqlUrl: appsync.url, apiKey, sent, collections, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function send(request: DemoRequest, graphqlUrl: string, restFn: DemoFunction): Promise<boolean> {
  if (request.kind === 'graphql') {
    const res = await fetch(graphqlUrl, {
      method: 'POST',
      headers: request.headers,
      body: JSON.stringify(request.body),
    });
    const body = (await res.json()) as { errors?: unknown[] };
    return res.ok && body.errors === undefined;
  }
  const result = await restFn.invoke(request.event);
  return result.outcome === 'response';
}

/** Every collection, page by page (the API answers at most 500 at a time). */
async function fetchCollections(serverUrl: string): Promise<CollectionSummary[]> {
  const all: CollectionSummary[] = [];
  for (let page = 1; ; page++) {
    const res = await fetch(`${serverUrl}/api/collections?pageSize=500&page=${page}`);
    if (!res.ok) throw new Error(`GET /api/collections answered ${res.status}`);
    const body = (await res.json()) as { collections: CollectionSummary[]; total: number };
    all.push(...body.collections);
    if (body.collections.length === 0 || all.length >= body.total) return all;
  }
}
