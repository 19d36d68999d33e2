import { createWriteStream } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import yazl from 'yazl';
import { ExtensionError, ExtensionErrorCode } from '../errors.js';
import { FIND_NODE_SH, IDLE_EXTENSION_SH, LAUNCHER_SH, WRAPPER_SH } from './layer-scripts.js';
import { fetchNodeBinary } from './node-binary.js';

export type LayerArch = 'x86_64' | 'arm64';

export interface BuildLayerOptions {
  arch?: LayerArch;
  /** Where `tapline-layer-<arch>.zip` and its staging directory go. */
  outDir: string;
  /** Ship a Node binary for runtimes without one (fetched from the npm registry). */
  withNode?: boolean;
  /** Node version line for `withNode`; Lambda's current Node runtimes are 20 and 22. */
  nodeVersion?: string;
}

export interface BuiltLayer {
  zipPath: string;
  /** The unpacked layer, byte for byte what the zip holds (usable as /opt in tests). */
  layerDir: string;
  bundleBytes: number;
}

// Both src/layer and dist/layer sit two levels below the package root.
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = path.join(PACKAGE_DIR, 'src', 'main.ts');
/** Bundles the extension into one minified ESM file for Node 18+, with no external dependencies. */
export async function bundleExtension(): Promise<string> {
  const pkg = JSON.parse(await readFile(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
    version: string;
  };
  try {
    const result = await build({
      entryPoints: [ENTRY],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node18',
      minify: true,
      write: false,
      legalComments: 'none',
      define: { __TAPLINE_VERSION__: JSON.stringify(pkg.version) },
      logLevel: 'silent',
    });
    const file = result.outputFiles[0];
    if (file === undefined) throw new Error('esbuild produced no output');
    return file.text;
  } catch (cause) {
    throw new ExtensionError(ExtensionErrorCode.Build, 'bundling the extension failed', { cause });
  }
}

interface LayerFile {
  path: string;
  content: Buffer | string;
  mode: number;
}

/** Builds `<outDir>/tapline-layer-<arch>.zip` and its unpacked twin `<outDir>/tapline-layer-<arch>/`. */
export async function buildLayer(options: BuildLayerOptions): Promise<BuiltLayer> {
  const arch = options.arch ?? 'x86_64';
  const outDir = path.resolve(options.outDir);
  const bundle = await bundleExtension();
  const files: LayerFile[] = [
    { path: 'extensions/tapline', content: LAUNCHER_SH, mode: 0o755 },
    { path: 'wrapper-script.sh', content: WRAPPER_SH, mode: 0o755 },
    { path: 'tapline/find-node.sh', content: FIND_NODE_SH, mode: 0o644 },
    { path: 'tapline/idle-extension.sh', content: IDLE_EXTENSION_SH, mode: 0o755 },
    { path: 'tapline/extension.mjs', content: bundle, mode: 0o644 },
  ];
  if (options.withNode === true) {
    const node = await fetchNodeBinary(arch, options.nodeVersion ?? '22', path.join(outDir, '.cache'));
    files.push({ path: 'tapline/bin/node', content: await readFile(node), mode: 0o755 });
  }

  const layerDir = path.join(outDir, `tapline-layer-${arch}`);
  const zipPath = path.join(outDir, `tapline-layer-${arch}.zip`);
  await rm(layerDir, { recursive: true, force: true });
  const zip = new yazl.ZipFile();
  // A fixed date keeps the zip reproducible between builds of the same sources.
  const mtime = new Date('2020-01-01T00:00:00Z');
  for (const dir of ['extensions/', 'tapline/', ...(options.withNode === true ? ['tapline/bin/'] : [])]) {
    zip.addEmptyDirectory(dir, { mtime, mode: 0o40755 });
  }
  for (const file of files) {
    const target = path.join(layerDir, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.content);
    await chmod(target, file.mode);
    // The file-type bits matter: without them unzip tools (and Lambda) may not see a regular file.
    zip.addBuffer(Buffer.from(file.content), file.path, {
      mtime,
      mode: 0o100000 | file.mode,
      compress: true,
    });
  }
  await mkdir(outDir, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(zipPath);
    out.on('close', resolve);
    out.on('error', reject);
    zip.outputStream.on('error', reject).pipe(out);
    zip.end();
  });
  return { zipPath, layerDir, bundleBytes: Buffer.byteLength(bundle) };
}
