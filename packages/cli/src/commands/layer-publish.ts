import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LambdaClient, Runtime } from '@aws-sdk/client-lambda';
import { type Arch, compatibleRuntimes, DEFAULT_LAYER_NAME } from '@tapline/instrumentation';
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
import { loadLambdaSdk } from '../aws/lambda-sdk.js';
import { CliError, CliErrorCode } from '../errors.js';

export interface LayerPublishFlags extends AwsFlags {
  /** One or both architectures; each gets its own layer version. */
  arch: Arch | Arch[];
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
  arch: Arch;
  compatibleRuntimes: string[];
  zipBytes: number;
}

/** What `--json` prints: the layer version of each architecture published, ready for IaC. */
export interface PublishedLayers {
  layerName: string;
  withNode: boolean;
  layers: Partial<Record<Arch, PublishedLayer>>;
}

/** PublishLayerVersion takes a zip of at most 50 MB inline. */
const MAX_INLINE_ZIP = 50 * 1024 * 1024;

/** `tapline layer publish`: builds the extension layer for one architecture and publishes a new version. */
export function registerLayerPublish(program: Command, deps: AwsCommandDeps = defaultAwsDeps): void {
  const group = groupCommand(program, 'layer', "Build and publish Tapline's Lambda layer.");
  addAwsOptions(
    group
      .command('publish')
      .description(
        'Build the Tapline extension layer (unless --zip is given) and publish it as a new layer version with its ' +
          'compatible architecture and runtimes set, for each --arch; prints the layer version ARNs.',
      )
      .addOption(
        new Option('--arch <arch...>', 'architecture(s) of the functions it is for; one layer version each')
          .choices(['x86_64', 'arm64'])
          .default(['x86_64']),
      )
      .option('--layer-name <name>', 'layer name', DEFAULT_LAYER_NAME)
      .option(
        '--with-node',
        'ship a Node binary so non-Node runtimes (Python, Java, .NET, Ruby on AL2023) can run the extension',
      )
      .option('--zip <path>', 'publish this already built layer zip instead of building one')
      .option('--out-dir <dir>', 'where the built layer goes', path.join('.tapline', 'layer'))
      .option('--json', 'print the layer version ARN of each architecture as JSON'),
  ).action(async (flags: LayerPublishFlags) => {
    await runLayerPublish(flags, deps);
  });
}

export async function runLayerPublish(
  flags: LayerPublishFlags,
  deps: AwsCommandDeps,
): Promise<PublishedLayers> {
  const archs = [...new Set(Array.isArray(flags.arch) ? flags.arch : [flags.arch])];
  if (flags.zip !== undefined && archs.length !== 1) {
    throw new CliError(
      CliErrorCode.Usage,
      "--zip holds one architecture's layer: give exactly one --arch with it",
    );
  }
  const withNode = flags.withNode === true;
  const zips = new Map<Arch, Buffer>();
  for (const arch of archs) zips.set(arch, await layerZip(flags, arch, withNode, deps));
  const client = await deps.lambdaClient(clientOptions(flags));
  try {
    const result: PublishedLayers = { layerName: flags.layerName, withNode, layers: {} };
    for (const [arch, zip] of zips) {
      try {
        result.layers[arch] = await publish(client, flags.layerName, arch, zip, withNode);
      } catch (error) {
        // Versions already published stay; say which, so a retry does not leave them unknown.
        for (const done of Object.values(result.layers)) {
          deps.err(`published ${done.arch} before the failure: ${done.layerVersionArn}\n`);
        }
        throw error;
      }
    }
    if (flags.json === true) deps.out(`${JSON.stringify(result, null, 2)}\n`);
    else if (archs.length === 1) deps.out(`${result.layers[archs[0]!]!.layerVersionArn}\n`);
    else for (const arch of archs) deps.out(`${arch}\t${result.layers[arch]!.layerVersionArn}\n`);
    return result;
  } finally {
    client.destroy();
  }
}

/** The zip to publish for one architecture: the given one, or a fresh build. */
async function layerZip(flags: LayerPublishFlags, arch: Arch, withNode: boolean, deps: AwsCommandDeps) {
  let zipPath = flags.zip;
  if (zipPath === undefined) {
    deps.err(`building the ${arch} layer${withNode ? ' with Node' : ''} in ${flags.outDir}...\n`);
    try {
      // The layer builder brings esbuild; only this command and `layer build` need it.
      const { buildLayer } = await import('@tapline/extension');
      zipPath = (await buildLayer({ arch, outDir: flags.outDir, withNode })).zipPath;
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
  return zip;
}

async function publish(
  client: LambdaClient,
  layerName: string,
  arch: Arch,
  zip: Buffer,
  withNode: boolean,
): Promise<PublishedLayer> {
  const { PublishLayerVersionCommand } = await loadLambdaSdk();
  const runtimes = compatibleRuntimes(withNode);
  try {
    const out = await client.send(
      new PublishLayerVersionCommand({
        LayerName: layerName,
        Description: `Tapline API discovery extension (${arch}${withNode ? ', with Node' : ''})`,
        Content: { ZipFile: zip },
        CompatibleArchitectures: [arch],
        CompatibleRuntimes: runtimes as Runtime[],
        LicenseInfo: 'Apache-2.0',
      }),
    );
    if (out.LayerVersionArn === undefined || out.LayerArn === undefined || out.Version === undefined) {
      throw new CliError(CliErrorCode.Aws, 'PublishLayerVersion answered without a layer version ARN');
    }
    return {
      layerVersionArn: out.LayerVersionArn,
      layerArn: out.LayerArn,
      version: out.Version,
      arch,
      compatibleRuntimes: runtimes,
      zipBytes: zip.length,
    };
  } catch (error) {
    throw toCliError(error, `publishing layer ${layerName} for ${arch}`);
  }
}
