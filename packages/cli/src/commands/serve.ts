import type { ConfigFlags, RunningServer, SecurityFlags } from '@tapline/server';
import { DEFAULT_CONFIG } from '@tapline/server/config';
import type { Command } from 'commander';
import { CliError, CliErrorCode } from '../errors.js';

interface ServeFlags extends SecurityFlags {
  host?: string;
  port?: string;
  dataDir?: string;
  insecure?: boolean;
  log?: string;
  store?: string;
  role?: string;
}

const SECURITY_FLAGS = [
  'ingestHost',
  'ingestPort',
  'tlsCert',
  'tlsKey',
  'ingestTlsCert',
  'ingestTlsKey',
] as const;

/** `tapline serve`: ingestion, inventory engine, query API and dashboard in one process. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'Run ingestion (POST /api/ingestData), the inventory engine and the query API: on an embedded store, or as scale-out roles on NATS JetStream and PostgreSQL.',
    )
    .option(
      '--log <url>',
      'NATS JetStream traffic log, nats://host:4222 (comma-separated servers) (env TAPLINE_LOG_URL)',
    )
    .option('--store <url>', 'PostgreSQL inventory, postgres://user@host:5432/db (env TAPLINE_STORE_URL)')
    .option(
      '--role <roles>',
      'ingest, worker, query, comma-separated, or all (env TAPLINE_ROLE, default all)',
    )
    .option('--host <host>', `address to bind (env TAPLINE_HOST, default ${DEFAULT_CONFIG.host})`)
    .option(
      '--port <port>',
      `port to listen on, 0 for any free port (env TAPLINE_PORT, default ${DEFAULT_CONFIG.port})`,
    )
    .option(
      '--data-dir <dir>',
      `where the SQLite files live (env TAPLINE_DATA_DIR, default ${DEFAULT_CONFIG.dataDir})`,
    )
    .option(
      '--insecure',
      'allow unauthenticated ingestion or reads on a non-loopback address (env TAPLINE_INSECURE)',
    )
    .option(
      '--ingest-host <host>',
      'serve ingestion on a listener of its own at this address (env TAPLINE_INGEST_HOST)',
    )
    .option('--ingest-port <port>', 'port of the ingestion listener (env TAPLINE_INGEST_PORT, default 9092)')
    .option('--tls-cert <file>', 'PEM certificate chain: serve HTTPS (env TAPLINE_TLS_CERT)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert (env TAPLINE_TLS_KEY)')
    .option('--ingest-tls-cert <file>', 'certificate of the ingestion listener (env TAPLINE_INGEST_TLS_CERT)')
    .option('--ingest-tls-key <file>', 'private key of --ingest-tls-cert (env TAPLINE_INGEST_TLS_KEY)')
    .action(async (flags: ServeFlags) => {
      // Listen for signals before starting, so one that arrives during start-up still stops cleanly.
      const signalled = waitForSignal();
      const server = await startFromFlags(flags, process.env);
      process.stdout.write(`tapline serving on ${server.url} (${describeStorage(server.config)})\n`);
      if (server.ingestUrl !== server.url) process.stdout.write(`tapline ingestion on ${server.ingestUrl}\n`);
      await signalled;
      await server.close();
    });
}

export async function startFromFlags(
  flags: ServeFlags,
  env: Readonly<Record<string, string | undefined>>,
): Promise<RunningServer> {
  // Loaded here, not at the top, so the other commands and `--help` start without Fastify and SQLite.
  const { configFromFlagsAndEnv, ServerError, ServerErrorCode, startServer } = await import(
    '@tapline/server'
  );
  try {
    const configFlags: ConfigFlags = {};
    if (flags.host !== undefined) configFlags.host = flags.host;
    if (flags.port !== undefined) configFlags.port = flags.port;
    if (flags.dataDir !== undefined) configFlags.dataDir = flags.dataDir;
    if (flags.insecure === true) configFlags.insecure = true;
    for (const key of ['log', 'store', 'role'] as const) {
      const value = flags[key];
      if (value !== undefined) configFlags[key] = value;
    }
    for (const key of SECURITY_FLAGS) {
      const value = flags[key];
      if (value !== undefined) configFlags[key] = value;
    }
    const config = configFromFlagsAndEnv(configFlags, env);
    if (config.log === undefined && config.store === undefined) return await startServer(config);
    // Only the scale-out roles load the NATS and PostgreSQL clients.
    const { openScaleOutServices } = await import('../serve/scale-out-services.js');
    return await startServer(config, {
      services: (complete, metrics) => openScaleOutServices(complete, metrics, env),
    });
  } catch (error) {
    if (
      (error instanceof ServerError &&
        (error.code === ServerErrorCode.Config || error.code === ServerErrorCode.InsecureBind)) ||
      isServiceStartError(error)
    ) {
      throw new CliError(CliErrorCode.Config, (error as Error).message, { cause: error });
    }
    // The embedded store cannot open its files: the data directory is what to fix.
    if (error instanceof ServerError && error.code === ServerErrorCode.Storage) {
      throw new CliError(CliErrorCode.Config, `${error.message} (check --data-dir / TAPLINE_DATA_DIR)`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** A service the flags name is unreachable or misconfigured: the message says which flag to fix. */
function isServiceStartError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    /^TAPLINE_(LOG_NATS_(CONFIG|CONNECT|STREAM)|STORE_POSTGRES_(CONFIG|CONNECT|MIGRATION))$/.test(code)
  );
}

/** What the start line says after the URL: the data directory, or the roles and their services. */
function describeStorage(config: RunningServer['config']): string {
  if (config.log === null && config.store === null) return `data in ${config.dataDir}`;
  const parts = [`role ${config.roles.join(',')}`];
  if (config.log !== null) parts.push(`log ${config.log.url}`);
  if (config.store !== null) {
    // Never print credentials of the store URL.
    const url = new URL(config.store.url);
    parts.push(`store ${url.protocol}//${url.host}${url.pathname}`);
  }
  return parts.join('; ');
}

/**
 * Resolves on the first SIGINT or SIGTERM, so the caller can drain and close the databases; a second
 * signal forces the exit. The listeners stay installed: removing them would let a loader's own
 * handler (tsx) conclude nobody handles the signal and kill the process mid-drain.
 */
function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        process.stderr.write(`tapline: ${signal} received again, exiting without draining\n`);
        process.exit(130);
      }
      received = true;
      process.stderr.write(`tapline: ${signal} received, stopping\n`);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
