import type { CommanderError } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { CliError } from '../src/errors.js';
import { buildProgram } from '../src/program.js';

async function run(args: string[]): Promise<{ stdout: string; stderr: string; error: unknown }> {
  const out: string[] = [];
  const err: string[] = [];
  const outSpy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  let error: unknown;
  try {
    await buildProgram().parseAsync(['node', 'tapline', ...args]);
  } catch (e) {
    error = e;
  } finally {
    outSpy.mockRestore();
    errSpy.mockRestore();
  }
  return { stdout: out.join(''), stderr: err.join(''), error };
}

describe('tapline demo (command line)', () => {
  it('--exit sends the requests, prints the collections and the dashboard URL, then stops', async () => {
    const { stdout, stderr, error } = await run(['demo', '--port', '0', '--requests', '12', '--exit']);
    expect(error).toBeUndefined();
    expect(stdout).toContain('sent 12 requests (0 failed)');
    expect(stdout).toMatch(
      /collection shop-graphql\.appsync-api\.us-east-1\.amazonaws\.com: \d+ endpoints, tags .*"source":"AppSync"/,
    );
    const dashboard = /Dashboard: (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1];
    expect(dashboard).toBeDefined();
    expect(stderr).toContain('sent 12/12 requests (100%)');
    // Everything is stopped: the server no longer answers.
    await expect(fetch(`${dashboard}/api/collections`)).rejects.toThrow();
  }, 60_000);

  it('rejects a bad --requests with a usage error', async () => {
    const { error } = await run(['demo', '--requests', 'many', '--exit']);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
  });

  it('has --help', async () => {
    const { stdout, error } = await run(['demo', '--help']);
    expect((error as CommanderError).exitCode).toBe(0);
    expect(stdout).toContain('--requests <n>');
    expect(stdout).toContain('--exit');
  });
});
