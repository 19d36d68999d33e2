import { type Command, Option } from 'commander';
import { DEFAULT_WAIT, type WaitOptions } from './function-config.js';
import { createLambdaClient, type LambdaClientFactory, type LambdaClientOptions } from './lambda-client.js';

/** What the AWS commands need from the outside world; tests inject a client factory and capture output. */
export interface AwsCommandDeps {
  lambdaClient: LambdaClientFactory;
  out: (text: string) => void;
  err: (text: string) => void;
  wait: WaitOptions;
}

export const defaultAwsDeps: AwsCommandDeps = {
  lambdaClient: createLambdaClient,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  wait: DEFAULT_WAIT,
};

export interface AwsFlags {
  region?: string;
  endpointUrl?: string;
}

/** `--region` and the hidden `--endpoint-url` (like the AWS CLI's) shared by every AWS command. */
export function addAwsOptions(command: Command): Command {
  return command
    .option('--region <region>', 'AWS region (default: the SDK chain: AWS_REGION, profile)')
    .addOption(new Option('--endpoint-url <url>', 'Lambda API endpoint override').hideHelp());
}

export function clientOptions(flags: AwsFlags): LambdaClientOptions {
  return {
    ...(flags.region === undefined ? {} : { region: flags.region }),
    ...(flags.endpointUrl === undefined ? {} : { endpoint: flags.endpointUrl }),
  };
}

export const FUNCTION_GROUP_DESCRIPTION =
  'Attach Tapline to Lambda functions, detach it, and list which functions are instrumented.';

/** The `tapline <name>` group command, created once and shared by the files that add sub-commands to it. */
export function groupCommand(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}
