import {
  DEFAULT_LAYER_NAME,
  type FunctionState,
  planRemoveTapline,
  planRestorePrevious,
  readMarker,
  sameState,
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
import { readFunction, updateFunction } from '../aws/function-config.js';
import { renderStateDiff } from '../aws/state-diff.js';

export interface FunctionDetachFlags extends AwsFlags {
  function: string;
  layerName?: string;
  dryRun?: boolean;
  restorePrevious?: boolean;
}

export type DetachOutcome = 'updated' | 'unchanged' | 'dry-run';

/** `tapline function detach`: removes Tapline from a function, however it was instrumented. */
export function registerFunctionDetach(program: Command, deps: AwsCommandDeps = defaultAwsDeps): void {
  const group = groupCommand(program, 'function', FUNCTION_GROUP_DESCRIPTION);
  addAwsOptions(
    group
      .command('detach')
      .description(
        'Remove Tapline from a function: every Tapline layer version, every TAPLINE_* variable and its wrapper ' +
          '(an exec wrapper it chained is restored); everything else stays. Works on functions instrumented by ' +
          'attach, IaC or by hand; waits for the update.',
      )
      .requiredOption('--function <name>', 'function name or ARN')
      .option('--layer-name <name>', 'name of the published layer', DEFAULT_LAYER_NAME)
      .option(
        '--restore-previous',
        'instead, undo exactly the last `tapline function attach` (replaced layers, including an older Tapline ' +
          'one, and overwritten variables come back)',
      )
      .option('--dry-run', 'print the change as a diff and change nothing'),
  ).action(async (flags: FunctionDetachFlags) => {
    await runFunctionDetach(flags, deps);
  });
}

export async function runFunctionDetach(
  flags: FunctionDetachFlags,
  deps: AwsCommandDeps,
): Promise<DetachOutcome> {
  const client = await deps.lambdaClient(clientOptions(flags));
  try {
    const fn = await readFunction(client, flags.function);
    let target: FunctionState;
    try {
      if (flags.restorePrevious === true) {
        if (readMarker(fn.env) === undefined) {
          deps.err('warning: no TAPLINE_ATTACHED record on the function; removing only the Tapline layers\n');
        }
        target = planRestorePrevious(fn, flags.layerName);
      } else {
        target = planRemoveTapline(fn, flags.layerName);
      }
    } catch (error) {
      throw toCliError(error, `detaching from function ${flags.function}`);
    }
    if (sameState(fn, target)) {
      deps.err(`function ${flags.function} has no Tapline layer or settings; nothing to change\n`);
      return 'unchanged';
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
