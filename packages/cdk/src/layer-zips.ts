import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Arch } from '@tapline/instrumentation';

/** Where the package's build puts the layer zips it ships (both src/ and dist/ sit one level below the root). */
export const DEFAULT_LAYER_DIR = fileURLToPath(new URL('../dist/layer/', import.meta.url));

export function defaultLayerZip(arch: Arch): string {
  return `${DEFAULT_LAYER_DIR}tapline-layer-${arch}.zip`;
}

/** The zip for `arch`, failing with what to run when it does not exist (synthesis must not publish nothing). */
export function resolveLayerZip(arch: Arch, given: string | undefined): string {
  const zip = given ?? defaultLayerZip(arch);
  if (!existsSync(zip)) {
    throw new Error(
      `Tapline: no ${arch} layer zip at ${zip}; build it with \`npx tapline layer build --arch ${arch} --out <dir>\` ` +
        `and pass layerZips: { ${arch}: '<dir>/tapline-layer-${arch}.zip' }, or pass layerVersionArns from \`tapline layer publish --json\``,
    );
  }
  return zip;
}
