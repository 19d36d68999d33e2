import type { FunctionConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DEFAULT_LAYER_NAME,
  type InstrumentationState,
  instrumentationStatus,
} from '@tapline/instrumentation';
import type { Command } from 'commander';
import { toCliError } from '../aws/aws-errors.js';
import {
  type AwsCommandDeps,
  type AwsFlags,
  addAwsOptions,
  clientOptions,
  defaultAwsDeps,
  FUNCTION_GROUP_DESCRIPTION,
  groupCommand,
} from '../aws/command-deps.js';
import { toView } from '../aws/function-config.js';
import { loadLambdaSdk } from '../aws/lambda-sdk.js';
import { renderTable } from '../aws/text-table.js';

export interface FunctionListFlags extends AwsFlags {
  layerName?: string;
  json?: boolean;
}

export interface ListedFunction {
  name: string;
  runtime: string | undefined;
  architecture: string;
  tapline: InstrumentationState;
  /** `name:version` of the Tapline layer, when there is one. */
  layerVersion: string | undefined;
  layers: string[];
  ingestUrl: string | undefined;
  /** Instrumented by `tapline function attach` (its record is on the function), rather than by IaC or hand. */
  attached: boolean;
}

/** `tapline function list`: every function of the region and whether Tapline instruments it. */
export function registerFunctionList(program: Command, deps: AwsCommandDeps = defaultAwsDeps): void {
  const group = groupCommand(program, 'function', FUNCTION_GROUP_DESCRIPTION);
  addAwsOptions(
    group
      .command('list')
      .description(
        "List the region's functions and whether each is instrumented, with the Tapline layer version and " +
          'ingestion URL.',
      )
      .option('--layer-name <name>', 'name of the published layer', DEFAULT_LAYER_NAME)
      .option('--json', 'print the result as JSON'),
  ).action(async (flags: FunctionListFlags) => {
    await runFunctionList(flags, deps);
  });
}

export async function runFunctionList(
  flags: FunctionListFlags,
  deps: AwsCommandDeps,
): Promise<ListedFunction[]> {
  const client = await deps.lambdaClient(clientOptions(flags));
  try {
    const listed = (await listAllFunctions(client)).map((config) => describe(config, flags.layerName));
    listed.sort((a, b) => a.name.localeCompare(b.name));
    if (flags.json === true) deps.out(`${JSON.stringify(listed, null, 2)}\n`);
    else deps.out(renderList(listed));
    return listed;
  } finally {
    client.destroy();
  }
}

/** Every page of ListFunctions (Lambda answers at most 50 functions a page). */
async function listAllFunctions(client: LambdaClient): Promise<FunctionConfiguration[]> {
  const { paginateListFunctions } = await loadLambdaSdk();
  const all: FunctionConfiguration[] = [];
  try {
    for await (const page of paginateListFunctions({ client }, {})) all.push(...(page.Functions ?? []));
  } catch (error) {
    throw toCliError(error, 'listing the functions of the region');
  }
  return all;
}

function describe(config: FunctionConfiguration, layerName: string | undefined): ListedFunction {
  const fn = toView(config.FunctionName ?? '?', config);
  const status = instrumentationStatus(fn, layerName);
  return {
    name: fn.name,
    runtime: fn.packageType === 'Image' ? 'image' : fn.runtime,
    architecture: fn.architecture,
    tapline: status.state,
    layerVersion: status.layerVersion,
    layers: status.layers,
    ingestUrl: status.ingestUrl,
    attached: status.attached,
  };
}

function renderList(listed: ListedFunction[]): string {
  if (listed.length === 0) return 'no functions in this region\n';
  const rows = listed.map((f) => [
    f.name,
    f.runtime ?? '-',
    f.architecture,
    f.tapline === 'instrumented' && f.attached ? 'instrumented (attach)' : f.tapline,
    f.layerVersion ?? '-',
    f.ingestUrl ?? '-',
  ]);
  const count = listed.filter((f) => f.tapline === 'instrumented').length;
  return `${renderTable(['FUNCTION', 'RUNTIME', 'ARCH', 'TAPLINE', 'LAYER', 'INGEST URL'], rows)}${count} of ${listed.length} functions instrumented\n`;
}
