import type { LambdaClient, LayerVersionsListItem } from '@aws-sdk/client-lambda';
import { type Arch, archFromLayerName } from '@tapline/instrumentation';
import { CliError, CliErrorCode } from '../errors.js';
import { awsErrorName, toCliError } from './aws-errors.js';
import { loadLambdaSdk } from './lambda-sdk.js';

export interface LayerInfo {
  arn: string;
  /** Empty when unknown (the layer could not be read and its name does not say). */
  architectures: string[];
  runtimes: string[];
}

/** Reads a given layer version; falls back to the name's architecture when the layer is in another account. */
export async function describeLayer(client: LambdaClient, arn: string): Promise<LayerInfo> {
  const { GetLayerVersionByArnCommand } = await loadLambdaSdk();
  try {
    const layer = await client.send(new GetLayerVersionByArnCommand({ Arn: arn }));
    return {
      arn,
      architectures: layer.CompatibleArchitectures ?? [],
      runtimes: layer.CompatibleRuntimes ?? [],
    };
  } catch (error) {
    if (awsErrorName(error) === 'AccessDeniedException') {
      const arch = archFromLayerName(arn);
      return { arn, architectures: arch === undefined ? [] : [arch], runtimes: [] };
    }
    throw toCliError(error, `reading layer version ${arn}`);
  }
}

/** The newest version of the named layer built for `arch`. */
export async function latestLayerFor(
  client: LambdaClient,
  layerName: string,
  arch: Arch,
): Promise<LayerInfo> {
  const { ListLayerVersionsCommand } = await loadLambdaSdk();
  let list: LayerVersionsListItem[] = [];
  try {
    const out = await client.send(
      new ListLayerVersionsCommand({ LayerName: layerName, CompatibleArchitecture: arch }),
    );
    list = out.LayerVersions ?? [];
  } catch (error) {
    if (awsErrorName(error) !== 'ResourceNotFoundException')
      throw toCliError(error, `listing versions of layer ${layerName}`);
  }
  const newest = [...list].sort((a, b) => (b.Version ?? 0) - (a.Version ?? 0))[0];
  if (newest?.LayerVersionArn === undefined) {
    throw new CliError(
      CliErrorCode.NotFound,
      `no version of layer ${layerName} for ${arch} in this region; publish one with \`tapline layer publish --arch ${arch}\` ` +
        'or pass --layer-arn',
    );
  }
  return {
    arn: newest.LayerVersionArn,
    architectures: newest.CompatibleArchitectures ?? [],
    runtimes: newest.CompatibleRuntimes ?? [],
  };
}

/** Refuses a layer built for another architecture or a runtime it cannot run on, saying which layer to publish. */
export function assertLayerFits(
  layer: LayerInfo,
  fn: { name: string; architecture: Arch; runtime: string | undefined },
): void {
  if (layer.architectures.length > 0 && !layer.architectures.includes(fn.architecture)) {
    throw new CliError(
      CliErrorCode.Config,
      `function ${fn.name} runs on ${fn.architecture} but layer ${layer.arn} is built for ${layer.architectures.join(', ')}; ` +
        `publish the ${fn.architecture} layer with \`tapline layer publish --arch ${fn.architecture}\` and attach that one`,
    );
  }
  if (layer.runtimes.length > 0 && fn.runtime !== undefined && !layer.runtimes.includes(fn.runtime)) {
    const hint = fn.runtime.startsWith('nodejs')
      ? ''
      : '; runtimes without Node need the layer that ships one: `tapline layer publish --with-node`';
    throw new CliError(
      CliErrorCode.Config,
      `layer ${layer.arn} is not published for runtime ${fn.runtime} (it lists ${layer.runtimes.join(', ')})${hint}`,
    );
  }
}
