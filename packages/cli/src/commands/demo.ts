import type { Command } from 'commander';
import type { RunningDemo } from '../demo/run-demo.js';
import { CliError, CliErrorCode } from '../errors.js';

interface DemoFlags {
  port: string;
  requests: string;
  dataDir?: string;
  exit?: boolean;
}

function intFlag(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CliError(CliErrorCode.Usage, `${name} must be an integer from ${min} to ${max}, got ${raw}`);
  }
  return value;
}

/** `tapline demo`: the whole chain locally, no AWS account needed. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Run everything locally without AWS: tapline serve, a simulated AppSync GraphQL API resolving through ' +
        "Tapline's VTL template to a Lambda function, and a REST function, both on the Lambda emulator with the " +
        'built layer; sends a stream of requests and prints the dashboard URL. Ctrl-C stops it.',
    )
    .option('--port <port>', 'port of the Tapline server and dashboard (0: any free port)', '9091')
    .option('--requests <n>', 'how many requests to send', '120')
    .option(
      '--data-dir <dir>',
      'keep the inventory in this directory (default: a temporary one, removed on exit)',
    )
    .option('--exit', 'stop after sending and printing the summary instead of serving until Ctrl-C')
    .action(async (flags: DemoFlags) => {
      const port = intFlag('--port', flags.port, 0, 65535);
      const requests = intFlag('--requests', flags.requests, 1, 100_000);
      const log = (line: string) => process.stderr.write(`tapline demo: ${line}\n`);
      let demo: RunningDemo;
      try {
        // The server, emulator, layer builder, GraphQL and VTL engines load only when the demo runs.
        const { startDemo } = await import('../demo/run-demo.js');
        demo = await startDemo({
          port,
          requests,
          log,
          ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
        });
      } catch (error) {
        if (error instanceof CliError) throw error;
        const message = error instanceof Error ? error.message : String(error);
        const hint = /EADDRINUSE/.test(message)
          ? ` (port ${port} is taken; pass --port 0 or another port)`
          : '';
        throw new CliError(CliErrorCode.Config, `the demo could not start: ${message}${hint}`, {
          cause: error,
        });
      }
      const out = process.stdout;
      out.write(`\nsent ${demo.sent.ok} requests (${demo.sent.failed} failed)\n`);
      for (const c of demo.collections) {
        out.write(`  collection ${c.name}: ${c.endpoints} endpoints, tags ${JSON.stringify(c.tags)}\n`);
      }
      out.write(`\nDashboard: ${demo.serverUrl}/\n`);
      out.write(`Query API: ${demo.serverUrl}/api/collections\n`);
      out.write(
        `Try it:    curl -s ${demo.graphqlUrl} -H 'x-api-key: ${demo.apiKey}' -H 'content-type: application/json' ` +
          `-d '{"query":"{ getUser(id: \\"usr_1002\\") { id email } }"}'\n`,
      );
      if (flags.exit !== true) {
        out.write('Press Ctrl-C to stop.\n');
        await new Promise<void>((resolve) => {
          const onSignal = () => {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
            resolve();
          };
          process.on('SIGINT', onSignal);
          process.on('SIGTERM', onSignal);
        });
        log('stopping');
      }
      await demo.stop();
    });
}
