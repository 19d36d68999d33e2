import type { FunctionConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import {
  type Arch,
  assertWrapperHonoured as assertHonoured,
  type FunctionState,
} from '@tapline/instrumentation';
import { CliError, CliErrorCode } from '../errors.js';
import { awsErrorName, toCliError } from './aws-errors.js';
import { loadLambdaSdk } from './lambda-sdk.js';

export interface FunctionView extends FunctionState {
  name: string;
  runtime: string | undefined;
  packageType: string;
  architecture: Arch;
  lastUpdateStatus: string | undefined;
}

/** Bounds of the waits around an update; tests shorten them. */
export interface WaitOptions {
  intervalMs: number;
  timeoutMs: number;
}

export const DEFAULT_WAIT: WaitOptions = Object.freeze({ intervalMs: 2000, timeoutMs: 5 * 60_000 });

export function toView(name: string, config: FunctionConfiguration): FunctionView {
  return {
    name,
    runtime: config.Runtime,
    packageType: config.PackageType ?? 'Zip',
    architecture: config.Architectures?.[0] === 'arm64' ? 'arm64' : 'x86_64',
    layers: (config.Layers ?? []).map((l) => l.Arn).filter((arn): arn is string => arn !== undefined),
    env: { ...(config.Environment?.Variables ?? {}) },
    lastUpdateStatus: config.LastUpdateStatus,
  };
}

export async function readFunction(client: LambdaClient, name: string): Promise<FunctionView> {
  const { GetFunctionConfigurationCommand } = await loadLambdaSdk();
  try {
    return toView(name, await client.send(new GetFunctionConfigurationCommand({ FunctionName: name })));
  } catch (error) {
    throw toCliError(error, `reading the configuration of function ${name}`);
  }
}

/** Refuses functions where AWS_LAMBDA_EXEC_WRAPPER is ignored: the proxy would never see an invocation. */
export function assertWrapperHonoured(fn: FunctionView): void {
  try {
    assertHonoured(fn);
  } catch (error) {
    throw toCliError(error, `instrumenting function ${fn.name}`);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until the function has no update in progress; fails on a failed update or at the deadline. */
export async function waitForUpdate(
  client: LambdaClient,
  name: string,
  wait: WaitOptions,
): Promise<FunctionView> {
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const fn = await readFunction(client, name);
    if (fn.lastUpdateStatus === 'Failed') {
      throw new CliError(
        CliErrorCode.Aws,
        `the last update of function ${name} failed; see its LastUpdateStatusReason`,
      );
    }
    if (fn.lastUpdateStatus !== 'InProgress') return fn;
    if (Date.now() >= deadline) {
      throw new CliError(
        CliErrorCode.Conflict,
        `function ${name} is still updating after ${wait.timeoutMs} ms; retry later`,
      );
    }
    await sleep(wait.intervalMs);
  }
}

/**
 * Sends the full layer list and environment, retrying while another update holds the function (409),
 * then waits until Lambda reports the update finished.
 */
export async function updateFunction(
  client: LambdaClient,
  name: string,
  target: FunctionState,
  wait: WaitOptions,
): Promise<FunctionView> {
  const { UpdateFunctionConfigurationCommand } = await loadLambdaSdk();
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    try {
      await client.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: name,
          Layers: [...target.layers],
          Environment: { Variables: { ...target.env } },
        }),
      );
      break;
    } catch (error) {
      if (awsErrorName(error) === 'ResourceConflictException' && Date.now() < deadline) {
        await waitForUpdate(client, name, wait);
        await sleep(wait.intervalMs);
        continue;
      }
      throw toCliError(error, `updating the configuration of function ${name}`);
    }
  }
  return waitForUpdate(client, name, wait);
}
