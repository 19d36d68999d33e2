import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseScryptHash, verifyPassword } from '../../server/src/auth/password-hash.js';
import { parseUsers, USERS_SEPARATOR } from '../../server/src/auth/security-config.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const SOURCES_TSCONFIG = fileURLToPath(new URL('../../server/tsx-sources.tsconfig.json', import.meta.url));

function runWithStdin(
  args: string[],
  stdin: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: SOURCES_TSCONFIG },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (part: Buffer) => {
      stdout += part.toString();
    });
    child.stderr.on('data', (part: Buffer) => {
      stderr += part.toString();
    });
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('tapline user hash', () => {
  it('prints a scrypt hash of the password read from stdin, usable as a TAPLINE_USERS entry', async () => {
    const password = 'a long enough password';
    const run = await runWithStdin(['user', 'hash', '--name', 'ann'], `${password}\n`);
    expect(run.code, run.stderr).toBe(0);
    const line = run.stdout.trim();
    expect(line).toMatch(/^ann:\$scrypt\$ln=15,r=8,p=1\$/);
    expect(line).not.toContain(password);
    const [user, bob] = parseUsers('TAPLINE_USERS', `${line},bob:${line.slice(4)}`, USERS_SEPARATOR);
    expect([user?.name, bob?.name, bob?.hash]).toEqual(['ann', 'bob', user?.hash]);
    const params = parseScryptHash(user?.hash ?? '');
    expect(params).toBeDefined();
    expect(await verifyPassword(password, params!)).toBe(true);
    expect(await verifyPassword('a long enough passwore', params!)).toBe(false);
  });

  it('refuses short passwords and names what is wrong', async () => {
    const run = await runWithStdin(['user', 'hash'], 'short\n');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('at least 12 characters');
    expect(run.stdout).toBe('');
  });
});
