import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// `--version`, `--help` and printing a template must not pay for what other commands need: each command
// loads its heavy dependencies in its action. Checked on the packages the process imports, which (unlike
// a timing) does not depend on how busy the machine is.
const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const RECORDER = fileURLToPath(new URL('./support/record-imports.mjs', import.meta.url));
const SOURCES_TSCONFIG = fileURLToPath(new URL('../../server/tsx-sources.tsconfig.json', import.meta.url));
const HEAVY = [
  '@tapline/server',
  '@tapline/extension',
  '@tapline/lambda-emulator',
  '@aws-sdk/client-lambda',
  'graphql',
  'amplify-velocity-template',
  'esbuild',
  'fastify',
  'better-sqlite3',
];

const dir = mkdtempSync(path.join(tmpdir(), 'tapline-imports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;
async function importsOf(args: string[]): Promise<{ imports: string[]; stdout: string }> {
  const log = path.join(dir, `run-${runs++}.log`);
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--import', RECORDER, BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: SOURCES_TSCONFIG, TAPLINE_IMPORT_LOG: log },
  });
  let text = '';
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    // Nothing bare was imported.
  }
  return { imports: [...new Set(text.split('\n').filter(Boolean))], stdout };
}

describe('CLI start-up loads only what the command needs', () => {
  it.each([
    [['--version']],
    [['--help']],
    [['serve', '--help']],
    [['demo', '--help']],
    [['layer', 'build', '--help']],
    [['resolver', 'vtl']],
  ])('tapline %j', async (args) => {
    const { imports } = await importsOf(args);
    expect(imports).toContain('commander');
    for (const heavy of HEAVY) expect(imports, `${args.join(' ')} imported ${heavy}`).not.toContain(heavy);
  });

  it.each([[['function', '--help']], [['function', 'list', '--help']], [['layer', 'publish', '--help']]])(
    'tapline %j lists the AWS commands without loading the SDK',
    async (args) => {
      const { imports, stdout } = await importsOf(args);
      expect(stdout).toMatch(/Usage: tapline (function|layer)/);
      for (const heavy of HEAVY) expect(imports, `${args.join(' ')} imported ${heavy}`).not.toContain(heavy);
    },
  );

  it('the AWS SDK loads when an AWS command runs', async () => {
    // Nothing listens on port 9: the command fails after loading the SDK, which is what is checked.
    const failed = await importsOf([
      'function',
      'list',
      '--region',
      'eu-west-1',
      '--endpoint-url',
      'http://127.0.0.1:9',
    ]).then(
      () => undefined,
      (error: { code?: number }) => error,
    );
    expect(failed?.code).not.toBe(0);
    const log = readFileSync(path.join(dir, `run-${runs - 1}.log`), 'utf8').split('\n');
    expect(log).toContain('@aws-sdk/client-lambda');
    const top = await importsOf(['--help']);
    expect(top.stdout).toMatch(/^ {2}function +Attach Tapline/m);
    expect(top.stdout).toMatch(/^ {2}layer +/m);
  });

  it('a command loads its dependencies when it runs: serve loads the server (and fails on a bad port)', async () => {
    const failed = await importsOf(['serve', '--port', 'nope']).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failed?.code).toBe(3);
    expect(failed?.stderr).toContain('--port="nope"');
    const log = readFileSync(path.join(dir, `run-${runs - 1}.log`), 'utf8').split('\n');
    expect(log).toContain('@tapline/server');
    expect(log).not.toContain('@aws-sdk/client-lambda');
  });
});
