import { FakeLambdaApi } from '@tapline/testkit';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../src/program.js';

// Exercises the real command wiring: commander parsing, the hidden --endpoint-url and the SDK's own
// credential chain (from the environment, as on a developer machine).
let api: FakeLambdaApi;
const saved = { ...process.env };
beforeAll(async () => {
  api = await FakeLambdaApi.start();
  process.env.AWS_ACCESS_KEY_ID = 'AKIDFAKE';
  process.env.AWS_SECRET_ACCESS_KEY = 'fake';
  process.env.AWS_REGION = 'us-east-1';
});
afterAll(async () => {
  process.env = saved;
  await api.close();
});

async function run(args: string[]): Promise<{ stdout: string; error: unknown }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  let error: unknown;
  try {
    await buildProgram().parseAsync(['node', 'tapline', ...args]);
  } catch (e) {
    error = e;
  } finally {
    spy.mockRestore();
    errSpy.mockRestore();
  }
  return { stdout: chunks.join(''), error };
}

describe('tapline function (command line)', () => {
  it('attach and detach through the command line with --endpoint-url', async () => {
    api.addFunction({ FunctionName: 'cli-fn', Environment: { A: '1' } });
    const arn = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    const attach = await run([
      'function',
      'attach',
      '--function',
      'cli-fn',
      '--ingest-url',
      'http://127.0.0.1:4318/api/ingestData',
      '--endpoint-url',
      api.url,
    ]);
    expect(attach.error).toBeUndefined();
    expect(attach.stdout).toContain(`attached ${arn} to cli-fn`);
    expect(api.getFunction('cli-fn')!.Layers).toEqual([arn]);
    const detach = await run(['function', 'detach', '--function', 'cli-fn', '--endpoint-url', api.url]);
    expect(detach.error).toBeUndefined();
    expect(api.getFunction('cli-fn')!.Environment).toEqual({ A: '1' });
  });

  it('a missing required option is a commander usage error', async () => {
    const { error } = await run(['function', 'attach', '--function', 'x']);
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).message).toContain('--ingest-url');
  });

  it('every command has --help', async () => {
    for (const path of [
      ['layer', 'publish'],
      ['function', 'attach'],
      ['function', 'detach'],
      ['function', 'list'],
    ]) {
      const { stdout, error } = await run([...path, '--help']);
      expect((error as CommanderError).exitCode).toBe(0);
      expect(stdout).toContain('Usage: tapline');
      expect(stdout).not.toContain('--endpoint-url');
    }
  });
});
