import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerDemo } from './commands/demo.js';
import { registerFunctionAttach } from './commands/function-attach.js';
import { registerFunctionDetach } from './commands/function-detach.js';
import { registerFunctionList } from './commands/function-list.js';
import { registerLayerBuild } from './commands/layer-build.js';
import { registerLayerPublish } from './commands/layer-publish.js';
import { registerResolver } from './commands/resolver.js';
import { registerServe } from './commands/serve.js';
import { registerUserHash } from './commands/user-hash.js';

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
  registerLayerPublish(program);
  registerFunctionAttach(program);
  registerFunctionDetach(program);
  registerFunctionList(program);
  registerResolver(program);
  registerDemo(program);
  registerUserHash(program);
  return program;
}

/** The CLI's version, read from its package.json (the same relative path from src/ and dist/). */
function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
