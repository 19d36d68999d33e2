import { buildLayer } from '@tapline/extension';
import { DEFAULT_LAYER_DIR } from './layer-zips.js';

// The package ships one layer zip per architecture (without Node: for Node runtimes), built here at package build.
for (const arch of ['x86_64', 'arm64'] as const) {
  const { zipPath } = await buildLayer({ arch, outDir: DEFAULT_LAYER_DIR });
  process.stdout.write(`${zipPath}\n`);
}
