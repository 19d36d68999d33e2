import {
  DEFAULT_LAYER_NAME,
  type FunctionState,
  looksLikeOtherProxy,
  planAttach,
  sameState,
} from '@tapline/instrumentation';
import { type Command, Option } from 'commander';
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
import { assertWrapperHonoured, readFunction, updateFunction } from '../aws/function-config.js';
import {
  IAC_FORMATS,
  type IacChange,
  type IacFormat,
  iacChange,
  renderCloudFormation,
  renderJson,
  renderTerraform,
  TOKEN_SECRET_NAME,
  TOKEN_TERRAFORM_VARIABLE,
} from '../aws/iac-fragment.js';
import { assertLayerFits, describeLayer, latestLayerFor } from '../aws/layer-lookup.js';
import { renderStateDiff } from '../aws/state-diff.js';
import { CliError, CliErrorCode } from '../errors.js';

export interface FunctionAttachFlags extends AwsFlags {
  function: string;
  ingestUrl: string;
  token?: string;
  layerArn?: string;
  layerName?: string;
  dryRun?: boolean;
  format?: IacFormat;
}

export type AttachOutcome = 'updated' | 'unchanged' | 'dry-run';

/** `tapline function attach`: adds Tapline's layer and settings to a function, keeping everything else. */
export function registerFunctionAttach(program: Command, deps: AwsCommandDeps = defaultAwsDeps): void {
  const group = groupCommand(program, 'function', FUNCTION_GROUP_DESCRIPTION);
  addAwsOptions(
    group
      .command('attach')
      .description(
        "Add Tapline's layer, AWS_LAMBDA_EXEC_WRAPPER and the ingestion settings to a function, keeping its other " +
          'layers and variables; replaces older Tapline layers, chains an existing wrapper, waits for the update.',
      )
      .requiredOption('--function <name>', 'function name or ARN')
      .requiredOption(
        '--ingest-url <url>',
        'where mirrored traffic goes, e.g. https://tapline.example.com/api/ingestData',
      )
      .option('--token <token>', 'ingestion token (TAPLINE_INGEST_TOKEN)')
      .option(
        '--layer-arn <arn>',
        "layer version to attach (default: newest version of --layer-name for the function's architecture)",
      )
      .option('--layer-name <name>', 'name of the published layer', DEFAULT_LAYER_NAME)
      .option('--dry-run', 'print the change and change nothing')
      .addOption(
        new Option(
          '--format <format>',
          'with --dry-run: a diff, or the change as a CloudFormation, Terraform or JSON fragment to put in your IaC',
        )
          .choices([...IAC_FORMATS])
          .default('diff'),
      ),
  ).action(async (flags: FunctionAttachFlags) => {
    await runFunctionAttach(flags, deps);
  });
}

export async function runFunctionAttach(
  flags: FunctionAttachFlags,
  deps: AwsCommandDeps,
): Promise<AttachOutcome> {
  validateIngestUrl(flags.ingestUrl);
  const format = flags.format ?? 'diff';
  if (format !== 'diff' && flags.dryRun !== true) {
    throw new CliError(
      CliErrorCode.Usage,
      `--format ${format} only goes with --dry-run (it prints, it does not apply)`,
    );
  }
  const client = await deps.lambdaClient(clientOptions(flags));
  try {
    const fn = await readFunction(client, flags.function);
    assertWrapperHonoured(fn);
    const layerName = flags.layerName ?? DEFAULT_LAYER_NAME;
    const layer =
      flags.layerArn === undefined
        ? await latestLayerFor(client, layerName, fn.architecture)
        : await describeLayer(client, flags.layerArn);
    assertLayerFits(layer, fn);

    let target: FunctionState;
    try {
      target = planAttach(fn, {
        layerArn: layer.arn,
        layerName,
        ingestUrl: flags.ingestUrl,
        ...(flags.token === undefined ? {} : { token: flags.token }),
      });
    } catch (error) {
      throw toCliError(error, `attaching to function ${flags.function}`);
    }
    warnAboutOtherProxies(target.layers, layer.arn, deps);
    if (format !== 'diff') {
      await printIacFragment(format, iacChange(fn, target, layer.arn), deps);
      return 'dry-run';
    }
    if (sameState(fn, target)) {
      deps.err(`function ${flags.function} already has ${layer.arn} and these settings; nothing to change\n`);
      return 'unchanged';
    }
    if (flags.dryRun === true) {
      deps.out(renderStateDiff(flags.function, fn, target, 'attach'));
      return 'dry-run';
    }
    deps.err(`updating function ${flags.function} (waiting for Lambda to finish the update)...\n`);
    await updateFunction(client, flags.function, target, deps.wait);
    deps.out(`attached ${layer.arn} to ${flags.function}; mirroring to ${flags.ingestUrl}\n`);
    return 'updated';
  } finally {
    client.destroy();
  }
}

async function printIacFragment(format: IacFormat, change: IacChange, deps: AwsCommandDeps): Promise<void> {
  if (format === 'json') deps.out(renderJson(change));
  else if (format === 'terraform') deps.out(renderTerraform(change));
  else deps.out(await renderCloudFormation(change));
  if (change.variables.TAPLINE_INGEST_TOKEN !== undefined && format !== 'json') {
    deps.err(
      format === 'terraform'
        ? `note: the token is read from var.${TOKEN_TERRAFORM_VARIABLE}; declare it sensitive and set it from your secret store\n`
        : `note: the token is read from the Secrets Manager secret ${TOKEN_SECRET_NAME} at deploy time; create it or change the reference\n`,
    );
  }
}

/** Other Runtime API proxies (e.g. Akto's Go extension) also ship /opt/wrapper-script.sh; the later layer's wins. */
function warnAboutOtherProxies(layers: readonly string[], taplineArn: string, deps: AwsCommandDeps): void {
  for (const arn of layers) {
    if (arn !== taplineArn && looksLikeOtherProxy(arn)) {
      deps.err(
        `warning: layer ${arn} looks like another Runtime API proxy; it may ship its own /opt/wrapper-script.sh ` +
          "and the later layer's file wins. Remove it with `aws lambda update-function-configuration --layers ...`\n",
      );
    }
  }
}

function validateIngestUrl(raw: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(
      CliErrorCode.Usage,
      `--ingest-url ${raw} is not a URL; give e.g. https://host/api/ingestData`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(CliErrorCode.Usage, `--ingest-url must be http(s), got ${url.protocol}`);
  }
}
