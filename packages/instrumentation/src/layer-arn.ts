/** Default name of the published layer (one version line per architecture, told apart by CompatibleArchitectures). */
export const DEFAULT_LAYER_NAME = 'tapline-extension';

export type Arch = 'x86_64' | 'arm64';

export interface LayerArnParts {
  /** The ARN without its version. */
  layerArn: string;
  name: string;
  version: number | undefined;
}

const LAYER_ARN = /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:([A-Za-z0-9_-]+))(?::(\d+))?$/;

export function parseLayerArn(arn: string): LayerArnParts | undefined {
  const match = LAYER_ARN.exec(arn);
  if (match === null) return undefined;
  return {
    layerArn: match[1]!,
    name: match[2]!,
    version: match[3] === undefined ? undefined : Number(match[3]),
  };
}

/**
 * Whether `arn` is a version of Tapline's layer: the same layer as the one being attached, or any layer
 * whose name starts with the Tapline layer name (older versions, the other architecture's line).
 */
export function isTaplineLayer(
  arn: string,
  newLayerArn: string | undefined,
  layerName = DEFAULT_LAYER_NAME,
): boolean {
  const parts = parseLayerArn(arn);
  if (parts === undefined) return false;
  if (newLayerArn !== undefined && parseLayerArn(newLayerArn)?.layerArn === parts.layerArn) return true;
  return parts.name.startsWith(layerName) || parts.name.startsWith(DEFAULT_LAYER_NAME);
}

/** The architecture a layer name spells out, when the account does not let us read the layer itself. */
export function archFromLayerName(arn: string): Arch | undefined {
  const name = parseLayerArn(arn)?.name ?? arn;
  if (/arm64|aarch64/i.test(name)) return 'arm64';
  if (/x86_64|x86-64|amd64/i.test(name)) return 'x86_64';
  return undefined;
}

/**
 * Other Runtime API proxies (e.g. Akto's Go extension) also ship /opt/wrapper-script.sh; whichever layer
 * comes later wins that path.
 */
export function looksLikeOtherProxy(arn: string): boolean {
  return /runtime-api-proxy/i.test(parseLayerArn(arn)?.name ?? '');
}
