import type { Command } from 'commander';

/** A command group whose sub-commands are registered by a module loaded only when the group is used. */
export interface DeferredGroup {
  name: string;
  /** Shown by `tapline --help` before the group is loaded. */
  description: string;
  /** Sub-commands registered eagerly elsewhere, which run without loading the group. */
  eagerSubcommands?: readonly string[];
  /** Registers the group's remaining sub-commands on the program. */
  load(program: Command): Promise<void>;
}

/**
 * Adds each group as a command with its description (or reuses one an eager sub-command created) and loads
 * its sub-commands before the program dispatches to it: on `tapline <group> …` and on `tapline help <group>`.
 * Needs `parseAsync`, as loading is asynchronous.
 */
export function deferGroups(program: Command, groups: readonly DeferredGroup[]): DeferredGroupLoader {
  const pending = new Map<string, DeferredGroup>();
  for (const group of groups) {
    const existing = program.commands.find((c) => c.name() === group.name);
    if (existing === undefined) program.command(group.name).description(group.description);
    else existing.description(group.description);
    pending.set(group.name, group);
  }
  const loadGroup = async (name: string | undefined, subcommand: string | undefined) => {
    const group = name === undefined ? undefined : pending.get(name);
    if (group === undefined) return;
    if (subcommand !== undefined && group.eagerSubcommands?.includes(subcommand) === true) return;
    pending.delete(group.name);
    await group.load(program);
  };

  program.hook('preSubcommand', async (thisCommand, subcommand) => {
    // At this point thisCommand.args holds the program's operands: [group, sub-command, …].
    await loadGroup(subcommand.name(), thisCommand.args[1]);
  });

  return loadGroup;
}

export type DeferredGroupLoader = (name: string | undefined, subcommand: string | undefined) => Promise<void>;

/**
 * Replaces commander's built-in `help <command>`, which prints the command's help without dispatching to it
 * (so the hook would not run), with one that loads a deferred group first. Add it last: `--help` lists
 * commands in the order they were added.
 */
export function addLoadingHelpCommand(program: Command, loadGroup: DeferredGroupLoader): void {
  program.helpCommand(false);
  program
    .command('help [command]')
    .description('display help for command')
    .action(async (name: string | undefined) => {
      await loadGroup(name, undefined);
      const target = program.commands.find((c) => c.name() === name || c.aliases().includes(name ?? ''));
      if (name === undefined) program.help();
      if (target === undefined) {
        program.error(`error: unknown command '${name}'`, { code: 'commander.unknownCommand' });
      }
      target.help();
    });
}
