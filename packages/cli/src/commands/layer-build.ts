import path from 'node:path';
import type { LayerArch } from '@tapline/extension';
import { type Command, Option } from 'commander';
import { CliError, CliErrorCode } from '../errors.js';

interface LayerBuildOptions {
  arch: LayerArch;
  out: string;
  withNode?: boolean;
}

/** `tapline layer build`: writes DIR/tapline-layer-<arch>.zip and prints its path. */
export function registerLayerBuild(program: Command): void {
  const layer =
    program.commands.find((c) => c.name() === 'layer') ??
    program.command('layer').description('Lambda layer tasks');
  layer
    .command('build')
    .description(
      'Build the Tapline extension layer zip (extensions/tapline, wrapper-script.sh, bundled extension)',
    )
    .addOption(
      new Option('--arch <arch>', 'target architecture').choices(['x86_64', 'arm64']).default('x86_64'),
    )
    .option('--out <dir>', 'output directory', 'dist/layer')
    .option('--with-node', 'ship a Node binary for runtimes without one (fetched from the npm registry)')
    .action(async (options: LayerBuildOptions) => {
      try {
        const { buildLayer } = await import('@tapline/extension');
        const built = await buildLayer({
          arch: options.arch,
          outDir: path.resolve(options.out),
          withNode: options.withNode === true,
        });
        process.stdout.write(`${built.zipPath}\n`);
      } catch (cause) {
        const detail =
          cause instanceof Error
            ? `${cause.message}${cause.cause instanceof Error ? `: ${cause.cause.message}` : ''}`
            : String(cause);
        throw new CliError(
          CliErrorCode.Build,
          `layer build failed (${detail}); check --out is writable and npm can reach the registry`,
          {
            cause,
          },
        );
      }
    });
}
