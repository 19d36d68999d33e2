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

  it('function list --json and attach --dry-run --format json through the command line', async () => {
    api.addFunction({ FunctionName: 'listed-fn', Environment: { B: '2' } });
    const list = await run(['function', 'list', '--json', '--endpoint-url', api.url]);
    expect(list.error).toBeUndefined();
    const listed = JSON.parse(list.stdout) as { name: string; tapline: string }[];
    expect(listed.find((f) => f.name === 'listed-fn')?.tapline).toBe('no');
    const arn = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    const dry = await run([
      'function',
      'attach',
      '--function',
      'listed-fn',
      '--ingest-url',
      'http://127.0.0.1:4318/api/ingestData',
      '--dry-run',
      '--format',
      'json',
      '--endpoint-url',
      api.url,
    ]);
    expect(dry.error).toBeUndefined();
    expect(JSON.parse(dry.stdout)).toMatchObject({ function: 'listed-fn', layerArn: arn });
    expect(api.getFunction('listed-fn')!.Layers).toEqual([]);
  });

  it('layer publish takes several --arch values; --format takes only the known formats', async () => {
    const publish = await run([
      'layer',
      'publish',
      '--arch',
      'x86_64',
      'arm64',
      '--zip',
      'x.zip',
      '--endpoint-url',
      api.url,
    ]);
    expect((publish.error as Error).message).toContain('exactly one --arch');
    const bad = await run(['layer', 'publish', '--arch', 'sparc']);
    expect(bad.error).toBeInstanceOf(CommanderError);
    const format = await run([
      'function',
      'attach',
      '--function',
      'x',
      '--ingest-url',
      'http://h/',
      '--format',
      'pulumi',
    ]);
    expect((format.error as CommanderError).message).toContain('pulumi');
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
