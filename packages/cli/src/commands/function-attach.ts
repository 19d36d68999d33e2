import type { Command } from 'commander';
import { planAttach, sameState } from '../aws/attach-plan.js';
import {
  type AwsCommandDeps,
  type AwsFlags,
  addAwsOptions,
  clientOptions,
  defaultAwsDeps,
  groupCommand,
} from '../aws/command-deps.js';
import { assertWrapperHonoured, readFunction, updateFunction } from '../aws/function-config.js';
import { DEFAULT_LAYER_NAME, parseLayerArn } from '../aws/layer-arn.js';
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
}

export type AttachOutcome = 'updated' | 'unchanged' | 'dry-run';

/** `tapline function attach`: adds Tapline's layer and settings to a function, keeping everything else. */
export function registerFunctionAttach(program: Command, deps: AwsCommandDeps = defaultAwsDeps): void {
  const group = groupCommand(program, 'function', 'Attach Tapline to a Lambda function, or detach it.');
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
      .option('--dry-run', 'print the change as a diff and change nothing'),
  ).action(async (flags: FunctionAttachFlags) => {
    await runFunctionAttach(flags, deps);
  });
}

export async function runFunctionAttach(
  flags: FunctionAttachFlags,
  deps: AwsCommandDeps,
): Promise<AttachOutcome> {
  validateIngestUrl(flags.ingestUrl);
  const client = deps.lambdaClient(clientOptions(flags));
  try {
    const fn = await readFunction(client, flags.function);
    assertWrapperHonoured(fn);
    const layerName = flags.layerName ?? DEFAULT_LAYER_NAME;
    const layer =
      flags.layerArn === undefined
        ? await latestLayerFor(client, layerName, fn.architecture)
        : await describeLayer(client, flags.layerArn);
    assertLayerFits(layer, fn);

    const target = planAttach(fn, {
      layerArn: layer.arn,
      layerName,
      ingestUrl: flags.ingestUrl,
      ...(flags.token === undefined ? {} : { token: flags.token }),
    });
    warnAboutOtherProxies(target.layers, layer.arn, deps);
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

/** Other Runtime API proxies (e.g. Akto's Go extension) also ship /opt/wrapper-script.sh; the later layer's wins. */
function warnAboutOtherProxies(layers: readonly string[], taplineArn: string, deps: AwsCommandDeps): void {
  for (const arn of layers) {
    if (arn !== taplineArn && /runtime-api-proxy/i.test(parseLayerArn(arn)?.name ?? '')) {
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
