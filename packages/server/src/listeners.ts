import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { createFailureLimiter, type FailureLimiter } from './auth/failure-limiter.js';
import { installAuth } from './auth/install-auth.js';
import { DEFAULT_INGEST_PORT, type TlsFiles } from './auth/security-config.js';
import type { ServerConfig } from './config.js';
import { registerDashboard } from './dashboard-static.js';
import { installErrorHandler } from './error-handler.js';
import { ServerError, ServerErrorCode } from './errors.js';
import { installCors } from './http/cors.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { ingestRoutes } from './ingest/ingest-route.js';
import type { IngestSink } from './ingest/ingest-sink.js';
import type { ServerMetrics } from './metrics.js';
import type { InventoryQueries } from './query/inventory-queries.js';
import { queryRoutes } from './query/query-routes.js';

/** `all`: one listener for everything; `ingest`: only ingestion and /healthCheck; `ui`: everything else. */
export type ListenerRole = 'all' | 'ingest' | 'ui';

export interface ListenerPlan {
  role: ListenerRole;
  host: string;
  port: number;
  tls: TlsFiles | null;
}

/** Body limit of every route but ingestion (the query API and dashboard take no bodies; login forms are tiny). */
export const SMALL_BODY_LIMIT_BYTES = 64 * 1024;
/** Slow clients cannot hold a connection open forever while sending a request. */
const REQUEST_TIMEOUT_MS = 120_000;
/** Paths the read-credential check skips on the `all` and `ui` listeners. */
const PUBLIC_PATHS: ReadonlySet<string> = new Set([
  '/login',
  '/logout',
  '/healthz',
  '/healthCheck',
  '/api/ingestData',
]);
/** Never written to the log, whatever a future log line includes. */
const REDACTED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

export function planListeners(config: Readonly<ServerConfig>): ListenerPlan[] {
  if (config.ingestHost === null || !config.roles.includes('ingest'))
    return [{ role: 'all', host: config.host, port: config.port, tls: config.tls }];
  return [
    { role: 'ui', host: config.host, port: config.port, tls: config.tls },
    {
      role: 'ingest',
      host: config.ingestHost,
      port: config.ingestPort ?? DEFAULT_INGEST_PORT,
      tls: config.ingestTls ?? config.tls,
    },
  ];
}

export interface ListenerDeps {
  /** Absent: this process does not ingest (no `/api/ingestData`). */
  ingest?: IngestSink;
  metrics: ServerMetrics;
  /** Absent: this process serves no query API and no dashboard. */
  queries?: InventoryQueries;
  onAppended: () => void;
  /** What `/healthz` and `/healthCheck` report (default: the embedded log's head, checkpoint and lag). */
  health?: () => Promise<Record<string, unknown>>;
}

function readTls(files: TlsFiles, role: ListenerRole): { cert: Buffer; key: Buffer } {
  const prefix = role === 'ingest' ? '--ingest-tls' : '--tls';
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new ServerError(
        ServerErrorCode.Config,
        `${prefix}-${what}: cannot read ${path}: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
  };
  return { cert: read(files.cert, 'cert'), key: read(files.key, 'key') };
}

/** One Fastify instance with the routes of its role, the security headers, auth and limits. */
export async function createListenerApp(
  plan: ListenerPlan,
  config: Readonly<ServerConfig>,
  deps: ListenerDeps,
): Promise<FastifyInstance> {
  const serverOptions = { maxHeaderSize: config.security.maxHeaderBytes };
  const app = Fastify({
    // Logs go to stderr: stdout carries only what the CLI prints (the URL line).
    logger: {
      level: config.logLevel,
      stream: process.stderr,
      redact: { paths: REDACTED, censor: '[redacted]' },
    },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: SMALL_BODY_LIMIT_BYTES,
    requestTimeout: REQUEST_TIMEOUT_MS,
    ...(plan.tls === null
      ? { http: serverOptions }
      : { https: { ...serverOptions, ...readTls(plan.tls, plan.role) } }),
  }) as unknown as FastifyInstance;
  const tls = plan.tls !== null;
  installErrorHandler(app);
  installSecurityHeaders(app, { tls });
  const limiter = await createFailureLimiter(app, config.security.authFailuresPerMinute);
  const health =
    deps.health ??
    (async () => ({
      status: 'ok',
      headSeq: deps.metrics.headSeq,
      checkpoint: deps.metrics.checkpoint,
      lag: deps.metrics.lag,
    }));
  if (plan.role !== 'ingest') {
    await installCors(app, config.security.corsOrigins);
    await installAuth(app, { security: config.security, limiter, tls, publicPaths: PUBLIC_PATHS });
  }
  if (plan.role !== 'ui' && deps.ingest !== undefined) {
    app.get('/healthCheck', health);
    await registerIngest(app, config, deps.ingest, deps, limiter);
  }
  if (plan.role === 'ingest') {
    app.setNotFoundHandler(async (request, reply) =>
      reply.status(404).send({
        success: false,
        error: `no route for ${request.method} ${request.url.split('?')[0]}: this listener serves only ingestion`,
        code: ServerErrorCode.NotFound,
      }),
    );
    return app;
  }
  app.get('/healthz', health);
  app.get('/metrics', async (_request, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(deps.metrics.render()),
  );
  if (deps.queries !== undefined) {
    await app.register(queryRoutes, { queries: deps.queries });
    await registerDashboard(app, config.dashboardDir);
  }
  return app;
}

async function registerIngest(
  app: FastifyInstance,
  config: Readonly<ServerConfig>,
  sink: IngestSink,
  deps: ListenerDeps,
  limiter: FailureLimiter,
): Promise<void> {
  await app.register(ingestRoutes, {
    sink,
    metrics: deps.metrics,
    tokens: config.ingestTokens,
    maxBodyBytes: config.maxBodyBytes,
    maxLagRecords: config.maxLagRecords,
    onAppended: deps.onAppended,
    limiter,
  });
}

export interface StartedListener {
  plan: ListenerPlan;
  app: FastifyInstance;
  url: string;
  port: number;
}

/** Listens; the URL names the bound port (when 0 was asked) and the scheme. */
export async function listen(plan: ListenerPlan, app: FastifyInstance): Promise<StartedListener> {
  let address: string;
  try {
    address = await app.listen({ host: plan.host, port: plan.port });
  } catch (error) {
    const flags = plan.role === 'ingest' ? '--ingest-host/--ingest-port' : '--host/--port';
    throw new ServerError(
      ServerErrorCode.Config,
      `cannot listen on ${plan.host}:${plan.port} (${flags}): ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  const port = Number(new URL(address).port);
  const host = plan.host.includes(':') ? `[${plan.host}]` : plan.host;
  return { plan, app, port, url: `${plan.tls === null ? 'http' : 'https'}://${host}:${port}` };
}
