import { FakeLambdaApi } from '@tapline/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFunctionAttach } from '../src/commands/function-attach.js';
import { runFunctionDetach } from '../src/commands/function-detach.js';
import type { CliError } from '../src/errors.js';
import { fakeDeps } from './aws-test-helpers.js';

const INGEST = 'https://tapline.example.com/api/ingestData';
let api: FakeLambdaApi;
beforeEach(async () => {
  api = await FakeLambdaApi.start();
});
afterEach(async () => {
  await api.close();
});

describe('tapline function detach', () => {
  it('restores variables attach overwrote and keeps ones added since', async () => {
    api.addFunction({ FunctionName: 'f', Environment: { TAPLINE_INGEST_URL: 'http://mine', KEEP: 'x' } });
    const arn = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    const deps = fakeDeps(api.url);
    await runFunctionAttach({ function: 'f', ingestUrl: INGEST, layerArn: arn }, deps);
    expect(api.getFunction('f')!.Environment!.TAPLINE_INGEST_URL).toBe(INGEST);
    await runFunctionDetach({ function: 'f' }, deps);
    expect(api.getFunction('f')!.Environment).toEqual({ TAPLINE_INGEST_URL: 'http://mine', KEEP: 'x' });
    expect(api.getFunction('f')!.Layers).toEqual([]);
  });

  it('does nothing (no update) on a function without Tapline', async () => {
    api.addFunction({ FunctionName: 'f', Environment: { A: 'b' } });
    expect(await runFunctionDetach({ function: 'f' }, fakeDeps(api.url))).toBe('unchanged');
    expect(api.writes()).toHaveLength(0);
  });

  it('--dry-run shows what would be removed', async () => {
    api.addFunction({ FunctionName: 'f' });
    const arn = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    const deps = fakeDeps(api.url);
    await runFunctionAttach({ function: 'f', ingestUrl: INGEST, layerArn: arn }, deps);
    const writes = api.writes().length;
    await runFunctionDetach({ function: 'f', dryRun: true }, deps);
    expect(api.writes()).toHaveLength(writes);
    const diff = deps.stdout.join('');
    expect(diff).toContain(`- ${arn}`);
    expect(diff).toContain('- AWS_LAMBDA_EXEC_WRAPPER=/opt/wrapper-script.sh');
  });

  it('reports a not-found function with exit code 5', async () => {
    const error = (await runFunctionDetach({ function: 'ghost' }, fakeDeps(api.url)).catch(
      (e: unknown) => e,
    )) as CliError;
    expect(error.exitCode).toBe(5);
  });
});
