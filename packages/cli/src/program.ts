import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerDemo } from './commands/demo.js';
import { registerLayerBuild } from './commands/layer-build.js';
import { registerResolver } from './commands/resolver.js';
import { registerServe } from './commands/serve.js';
import { addLoadingHelpCommand, type DeferredGroup, deferGroups } from './deferred-groups.js';

/**
 * Command groups whose registration modules load the AWS SDK at import. They are registered only when the
 * command line dispatches to the group (or asks for its help), so `--version`, `--help` and the local
 * commands start without it.
 */
const AWS_GROUPS: readonly DeferredGroup[] = [
  {
    name: 'function',
    description: 'Attach Tapline to a Lambda function, or detach it.',
    load: async (program) => {
      const [{ registerFunctionAttach }, { registerFunctionDetach }] = await Promise.all([
        import('./commands/function-attach.js'),
        import('./commands/function-detach.js'),
      ]);
      registerFunctionAttach(program);
      registerFunctionDetach(program);
    },
  },
  {
    name: 'layer',
    description: "Build and publish Tapline's Lambda layer.",
    // `layer build` is registered eagerly; only `layer publish` needs the SDK.
    eagerSubcommands: ['build'],
    load: async (program) => {
      const { registerLayerPublish } = await import('./commands/layer-publish.js');
      registerLayerPublish(program);
    },
  },
];

/**
 * The `tapline` command tree. Each sub-command lives in its own file under `commands/` and exports a
 * `register…(program)` function that adds its options and loads the command's dependencies inside its
 * action, so building the tree stays cheap.
 */
export function buildProgram(): Command {
  const program = new Command('tapline')
    .version(cliVersion(), '-V, --version')
    .description('Discover and inventory the APIs behind AWS Lambda and AppSync from their live traffic.')
    .showHelpAfterError()
    .exitOverride();
  // command registrations (one line each), in the order `--help` lists them:
  registerLayerBuild(program);
  registerServe(program);
  const loadGroup = deferGroups(program, AWS_GROUPS);
  registerResolver(program);
  registerDemo(program);
  addLoadingHelpCommand(program, loadGroup);
  return program;
}

/** The CLI's version, read from its package.json (the same relative path from src/ and dist/). */
function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
