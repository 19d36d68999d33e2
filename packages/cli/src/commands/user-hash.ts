import type { Command } from 'commander';
import { CliError, CliErrorCode } from '../errors.js';

const MIN_PASSWORD_LENGTH = 12;
const USER_NAME = /^[A-Za-z0-9._@+-]{1,64}$/;

/**
 * `tapline user hash`: reads a password (hidden on a terminal, else stdin) and prints the scrypt hash
 * for TAPLINE_USERS or a users file. The password is never an argument, so it stays out of shell history.
 */
export function registerUserHash(program: Command): void {
  const user = program.command('user').description('Manage dashboard users.');
  user
    .command('hash')
    .description(
      'Print a password hash for TAPLINE_USERS or TAPLINE_USERS_FILE (reads the password from stdin).',
    )
    .option('--name <name>', 'print a complete `name:hash` entry for this user')
    .action(async (flags: { name?: string }) => {
      if (flags.name !== undefined && !USER_NAME.test(flags.name)) {
        throw new CliError(CliErrorCode.Usage, '--name: expected 1-64 letters, digits or ._@+-');
      }
      const password = process.stdin.isTTY ? await promptHidden('Password: ') : await readStdin();
      if (password.length < MIN_PASSWORD_LENGTH) {
        throw new CliError(
          CliErrorCode.Usage,
          `the password must have at least ${MIN_PASSWORD_LENGTH} characters (it was read from stdin)`,
        );
      }
      const { hashPassword } = await import('@tapline/server');
      const hash = await hashPassword(password);
      process.stdout.write(`${flags.name === undefined ? hash : `${flags.name}:${hash}`}\n`);
    });
}

async function readStdin(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of process.stdin) parts.push(part as Buffer);
  return Buffer.concat(parts)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    process.stderr.write(prompt);
    input.setRawMode(true);
    input.resume();
    let value = '';
    const finish = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new CliError(CliErrorCode.Usage, 'cancelled'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
    };
    input.on('data', onData);
  });
}
