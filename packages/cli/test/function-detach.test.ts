import { WRAPPER_PATH } from '@tapline/instrumentation';
import { FakeLambdaApi } from '@tapline/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFunctionAttach } from '../src/commands/function-attach.js';
import { runFunctionDetach } from '../src/commands/function-detach.js';
import type { CliError } from '../src/errors.js';
import { fakeDeps } from './aws-test-helpers.js';

const INGEST = 'https://tapline.example.com/api/ingestData';
const OTHER_LAYER = 'arn:aws:lambda:us-east-1:123456789012:layer:powertools:7';
const FOREIGN_TAPLINE = 'arn:aws:lambda:us-east-1:999999999999:layer:tapline-extension-arm64:3';
let api: FakeLambdaApi;
beforeEach(async () => {
  api = await FakeLambdaApi.start();
});
afterEach(async () => {
  await api.close();
});

describe('tapline function detach', () => {
  it('removes every Tapline layer version and variable, even the older layer attach replaced', async () => {
    const v1 = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    const v2 = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    api.addFunction({
      FunctionName: 'f',
      Layers: [v1, OTHER_LAYER],
      Environment: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-handler', TAPLINE_SAMPLE_RATE: '0.5', KEEP: 'x' },
    });
    const deps = fakeDeps(api.url);
    await runFunctionAttach({ function: 'f', ingestUrl: INGEST, token: 't0k', layerArn: v2 }, deps);
    expect(api.getFunction('f')!.Layers).toEqual([v2, OTHER_LAYER]);

    expect(await runFunctionDetach({ function: 'f' }, deps)).toBe('updated');
    const after = api.getFunction('f')!;
    expect(after.Layers).toEqual([OTHER_LAYER]);
    expect(after.Environment).toEqual({ AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-handler', KEEP: 'x' });
    expect(deps.stdout.join('')).toContain('detached Tapline from f');
  });

  it('without an attach record (IaC or by hand): removes Tapline layers, TAPLINE_* and restores the chained wrapper', async () => {
    api.addFunction({
      FunctionName: 'iac',
      Layers: [OTHER_LAYER, FOREIGN_TAPLINE],
      Environment: {
        AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH,
        TAPLINE_PREVIOUS_EXEC_WRAPPER: '/opt/otel-handler',
        TAPLINE_INGEST_URL: INGEST,
        TAPLINE_INGEST_TOKEN: 'secret',
        DB_HOST: 'db',
      },
    });
    const deps = fakeDeps(api.url);
    expect(await runFunctionDetach({ function: 'iac' }, deps)).toBe('updated');
    expect(api.getFunction('iac')!.Layers).toEqual([OTHER_LAYER]);
    expect(api.getFunction('iac')!.Environment).toEqual({
      AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-handler',
      DB_HOST: 'db',
    });
    expect(deps.stderr.join('')).not.toContain('warning');
  });

  it("removes Tapline's own wrapper when nothing was chained, and leaves a wrapper that is not Tapline's", async () => {
    api.addFunction({
      FunctionName: 'own',
      Layers: [FOREIGN_TAPLINE],
      Environment: { AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH, AKTO_MIRRORING_URL: INGEST },
    });
    api.addFunction({
      FunctionName: 'other',
      Layers: [FOREIGN_TAPLINE, OTHER_LAYER],
      Environment: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-handler', TAPLINE_INGEST_URL: INGEST },
    });
    const deps = fakeDeps(api.url);
    await runFunctionDetach({ function: 'own' }, deps);
    await runFunctionDetach({ function: 'other' }, deps);
    // AKTO_MIRRORING_URL is not Tapline's variable: without a record saying attach set it, it stays.
    expect(api.getFunction('own')).toMatchObject({ Layers: [], Environment: { AKTO_MIRRORING_URL: INGEST } });
    expect(api.getFunction('other')).toMatchObject({
      Layers: [OTHER_LAYER],
      Environment: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-handler' },
    });
  });

  it('keeps /opt/wrapper-script.sh when another Runtime API proxy layer that ships one stays', async () => {
    const akto =
      'arn:aws:lambda:us-east-1:123456789012:layer:golang-lambda-runtime-api-proxy-extension-layer:4';
    api.addFunction({
      FunctionName: 'akto',
      Layers: [akto, FOREIGN_TAPLINE],
      Environment: { AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH, TAPLINE_INGEST_URL: INGEST },
    });
    await runFunctionDetach({ function: 'akto' }, fakeDeps(api.url));
    expect(api.getFunction('akto')).toMatchObject({
      Layers: [akto],
      Environment: { AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH },
    });
  });

  it('--restore-previous brings back the older Tapline layer attach replaced', async () => {
    const v1 = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    const v2 = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    api.addFunction({ FunctionName: 'f', Layers: [v1] });
    const deps = fakeDeps(api.url);
    await runFunctionAttach({ function: 'f', ingestUrl: INGEST, layerArn: v2 }, deps);
    await runFunctionDetach({ function: 'f', restorePrevious: true }, deps);
    expect(api.getFunction('f')).toMatchObject({ Layers: [v1], Environment: {} });
  });

  it('--restore-previous restores variables attach overwrote and keeps ones added since', async () => {
    api.addFunction({ FunctionName: 'f', Environment: { TAPLINE_INGEST_URL: 'http://mine', KEEP: 'x' } });
    const arn = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    const deps = fakeDeps(api.url);
    await runFunctionAttach({ function: 'f', ingestUrl: INGEST, layerArn: arn }, deps);
    expect(api.getFunction('f')!.Environment!.TAPLINE_INGEST_URL).toBe(INGEST);
    await runFunctionDetach({ function: 'f', restorePrevious: true }, deps);
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
