import { Command } from 'commander';

/**
 * The `tapline` command tree. Each sub-command lives in its own file under `commands/` and exports a
 * `register…(program)` function; add one line here per command.
 */
export function buildProgram(): Command {
  const program = new Command('tapline')
    .description('Discover and inventory the APIs behind AWS Lambda and AppSync from their live traffic.')
    .showHelpAfterError()
    .exitOverride();
  // command registrations (one line each):
  return program;
}
