import type { Command } from 'commander';
import { planDetach, readMarker, sameState } from '../aws/attach-plan.js';
import {
  type AwsCommandDeps,
  type AwsFlags,
  addAwsOptions,
  clientOptions,
  defaultAwsDeps,
  groupCommand,
} from '../aws/command-deps.js';
import { readFunction, updateFunction } from '../aws/function-config.js';
import { DEFAULT_LAYER_NAME } from '../aws/layer-arn.js';
import { renderStateDiff } from '../aws/state-diff.js';

export interface FunctionDetachFlags extends AwsFlags {
  function: string;
  layerName?: string;
  dryRun?: boolean;
}

export type DetachOutcome = 'updated' | 'unchanged' | 'dry-run';

/** `tapline function detach`: undoes exactly what attach changed, using the record attach left on the function. */
export function registerFunctionDetach(program: Command, deps: AwsCommandDeps = defaultAwsDeps): void {
  const group = groupCommand(program, 'function', 'Attach Tapline to a Lambda function, or detach it.');
  addAwsOptions(
    group
      .command('detach')
      .description(
        'Undo exactly what `tapline function attach` changed: restores the replaced layers and every variable it ' +
          'set (including a chained wrapper), keeps anything else; waits for the update.',
      )
      .requiredOption('--function <name>', 'function name or ARN')
      .option('--layer-name <name>', 'name of the published layer', DEFAULT_LAYER_NAME)
      .option('--dry-run', 'print the change as a diff and change nothing'),
  ).action(async (flags: FunctionDetachFlags) => {
    await runFunctionDetach(flags, deps);
  });
}

export async function runFunctionDetach(
  flags: FunctionDetachFlags,
  deps: AwsCommandDeps,
): Promise<DetachOutcome> {
  const client = deps.lambdaClient(clientOptions(flags));
  try {
    const fn = await readFunction(client, flags.function);
    const target = planDetach(fn, flags.layerName);
    if (sameState(fn, target)) {
      deps.err(`function ${flags.function} has no Tapline layer or settings; nothing to change\n`);
      return 'unchanged';
    }
    if (readMarker(fn.env) === undefined) {
      deps.err('warning: no TAPLINE_ATTACHED record on the function; removing only the Tapline layer\n');
    }
    if (flags.dryRun === true) {
      deps.out(renderStateDiff(flags.function, fn, target, 'detach'));
      return 'dry-run';
    }
    deps.err(`updating function ${flags.function} (waiting for Lambda to finish the update)...\n`);
    await updateFunction(client, flags.function, target, deps.wait);
    deps.out(`detached Tapline from ${flags.function}\n`);
    return 'updated';
  } finally {
    client.destroy();
  }
}
