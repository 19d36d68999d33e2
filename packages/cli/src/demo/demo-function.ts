import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type InvocationResult, LambdaEmulator, minimalRuntime } from '@tapline/lambda-emulator';

// Like the resolver templates, the demo functions stay in src/ (shipped with the package) for src and dist alike.
const FUNCTIONS_DIR = fileURLToPath(new URL('../../src/demo/functions/', import.meta.url));

export type DemoFunctionName = 'graphql-api' | 'rest-api';

export interface DemoFunctionOptions {
  name: DemoFunctionName;
  layerDir: string;
  ingestUrl: string;
  ingestToken?: string;
}

/** A port that was free a moment ago: the proxy needs a fixed LRAP_LISTENER_PORT before it starts. */
async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * One demo function on the local Lambda emulator with Tapline's built layer attached the way
 * `tapline function attach` does it (exec wrapper + ingestion URL). Invocations are queued: a Lambda
 * execution environment runs one at a time.
 */
export class DemoFunction {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly name: DemoFunctionName,
    private readonly emulator: LambdaEmulator,
  ) {}

  static async start(options: DemoFunctionOptions): Promise<DemoFunction> {
    const taskRoot = path.join(FUNCTIONS_DIR, options.name);
    const emulator = await LambdaEmulator.start({
      functionName: `tapline-demo-${options.name}`,
      layerDir: options.layerDir,
      env: {
        AWS_LAMBDA_EXEC_WRAPPER: path.join(options.layerDir, 'wrapper-script.sh'),
        LRAP_LISTENER_PORT: String(await freePort()),
        TAPLINE_INGEST_URL: options.ingestUrl,
        ...(options.ingestToken === undefined ? {} : { TAPLINE_INGEST_TOKEN: options.ingestToken }),
      },
      runtime: minimalRuntime(taskRoot, 'index.handler'),
      timeoutMs: 10_000,
      initTimeoutMs: 20_000,
    });
    return new DemoFunction(options.name, emulator);
  }

  get registeredExtensions(): readonly string[] {
    return this.emulator.registeredExtensions;
  }

  invoke(event: unknown): Promise<InvocationResult> {
    const next = this.queue.then(() => this.emulator.invoke(event));
    this.queue = next.catch(() => undefined);
    return next;
  }

  logs(): string {
    return this.emulator.logs();
  }

  async shutdown(): Promise<void> {
    await this.queue;
    await this.emulator.shutdown({ deadlineMs: 2000 });
  }
}
