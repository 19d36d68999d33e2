import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PublishLayerVersionCommand, type Runtime } from '@aws-sdk/client-lambda';
import { buildLayer, type LayerArch } from '@tapline/extension';
import { type Command, Option } from 'commander';
import { toCliError } from '../aws/aws-errors.js';
import {
  type AwsCommandDeps,
  type AwsFlags,
  addAwsOptions,
  clientOptions,
  defaultAwsDeps,
  groupCommand,
} from '../aws/command-deps.js';
import { DEFAULT_LAYER_NAME } from '../aws/layer-arn.js';
import { CliError, CliErrorCode } from '../errors.js';

export interface LayerPublishFlags extends AwsFlags {
  arch: LayerArch;
  layerName: string;
  withNode?: boolean;
  zip?: string;
  outDir: string;
  json?: boolean;
}

export interface PublishedLayer {
  layerVersionArn: string;
  layerArn: string;
  version: number;
  arch: LayerArch;
  compatibleRuntimes: string[];
  zipBytes: number;
}

/** Runtimes whose own Node runs the extension. */
const NODE_RUNTIMES: Runtime[] = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x'];
/**
 * Runtimes that need the Node shipped in the layer: AL2023-based only (the shipped Node needs glibc 2.28+).
 * OS-only runtimes (provided.*) are left out on purpose: they ignore AWS_LAMBDA_EXEC_WRAPPER.
 */
const SHIPPED_NODE_RUNTIMES: Runtime[] = [
  'python3.12',
  'python3.13',
  'java21',
  'dotnet8',
  'ruby3.3',
  'ruby3.4',
];
/** PublishLayerVersion takes a zip of at most 50 MB inline. */
const MAX_INLINE_ZIP = 50 * 1024 * 1024;

export function compatibleRuntimes(withNode: boolean): Runtime[] {
  return withNode ? [...NODE_RUNTIMES, ...SHIPPED_NODE_RUNTIMES] : [...NODE_RUNTIMES];
}

/** `tapline layer publish`: builds the extension layer for one architecture and publishes a new version. */
export function registerLayerPublish(program: Command, deps: AwsCommandDeps = defaultAwsDeps): void {
  const group = groupCommand(program, 'layer', "Build and publish Tapline's Lambda layer.");
  addAwsOptions(
    group
      .command('publish')
      .description(
        'Build the Tapline extension layer (unless --zip is given) and publish it as a new layer version with its ' +
          'compatible architecture and runtimes set; prints the layer version ARN.',
      )
      .addOption(
        new Option('--arch <arch>', 'architecture of the functions it is for')
          .choices(['x86_64', 'arm64'])
          .default('x86_64'),
      )
      .option('--layer-name <name>', 'layer name', DEFAULT_LAYER_NAME)
      .option(
        '--with-node',
        'ship a Node binary so non-Node runtimes (Python, Java, .NET, Ruby on AL2023) can run the extension',
      )
      .option('--zip <path>', 'publish this already built layer zip instead of building one')
      .option('--out-dir <dir>', 'where the built layer goes', path.join('.tapline', 'layer'))
      .option('--json', 'print the result as JSON'),
  ).action(async (flags: LayerPublishFlags) => {
    await runLayerPublish(flags, deps);
  });
}

export async function runLayerPublish(
  flags: LayerPublishFlags,
  deps: AwsCommandDeps,
): Promise<PublishedLayer> {
  const withNode = flags.withNode === true;
  let zipPath = flags.zip;
  if (zipPath === undefined) {
    deps.err(`building the ${flags.arch} layer${withNode ? ' with Node' : ''} in ${flags.outDir}...\n`);
    try {
      zipPath = (await buildLayer({ arch: flags.arch, outDir: flags.outDir, withNode })).zipPath;
    } catch (error) {
      throw new CliError(CliErrorCode.Build, `building the layer failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  let zip: Buffer;
  try {
    zip = await readFile(zipPath);
  } catch (error) {
    throw new CliError(
      CliErrorCode.Usage,
      `cannot read the layer zip ${zipPath}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (zip.length > MAX_INLINE_ZIP) {
    throw new CliError(
      CliErrorCode.Build,
      `the layer zip is ${zip.length} bytes; Lambda accepts at most 50 MB inline`,
    );
  }
  const runtimes = compatibleRuntimes(withNode);
  const client = deps.lambdaClient(clientOptions(flags));
  try {
    const out = await client.send(
      new PublishLayerVersionCommand({
        LayerName: flags.layerName,
        Description: `Tapline API discovery extension (${flags.arch}${withNode ? ', with Node' : ''})`,
        Content: { ZipFile: zip },
        CompatibleArchitectures: [flags.arch],
        CompatibleRuntimes: runtimes,
        LicenseInfo: 'Apache-2.0',
      }),
    );
    if (out.LayerVersionArn === undefined || out.LayerArn === undefined || out.Version === undefined) {
      throw new CliError(CliErrorCode.Aws, 'PublishLayerVersion answered without a layer version ARN');
    }
    const result: PublishedLayer = {
      layerVersionArn: out.LayerVersionArn,
      layerArn: out.LayerArn,
      version: out.Version,
      arch: flags.arch,
      compatibleRuntimes: runtimes,
      zipBytes: zip.length,
    };
    deps.out(flags.json === true ? `${JSON.stringify(result, null, 2)}\n` : `${result.layerVersionArn}\n`);
    return result;
  } catch (error) {
    throw toCliError(error, `publishing layer ${flags.layerName}`);
  } finally {
    client.destroy();
  }
}
