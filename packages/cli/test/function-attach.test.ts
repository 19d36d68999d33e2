import { MARKER_KEY, WRAPPER_PATH } from '@tapline/instrumentation';
import { FakeLambdaApi } from '@tapline/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFunctionAttach } from '../src/commands/function-attach.js';
import { runFunctionDetach } from '../src/commands/function-detach.js';
import { CliError } from '../src/errors.js';
import { fakeDeps } from './aws-test-helpers.js';

const CONFIG_PATH = '/2015-03-31/functions/orders/configuration';
const OTHER_LAYER = 'arn:aws:lambda:us-east-1:123456789012:layer:powertools:7';
const INGEST = 'https://tapline.example.com/api/ingestData';

let api: FakeLambdaApi;
beforeEach(async () => {
  api = await FakeLambdaApi.start();
});
afterEach(async () => {
  await api.close();
});

function addOrders(extra: Partial<Parameters<FakeLambdaApi['addFunction']>[0]> = {}): void {
  api.addFunction({
    FunctionName: 'orders',
    Runtime: 'nodejs20.x',
    Layers: [OTHER_LAYER],
    Environment: { TABLE: 'orders', LOG_LEVEL: 'info' },
    ...extra,
  });
}

describe('tapline function attach', () => {
  it('keeps other layers and variables, adds the newest layer for the architecture and the settings once', async () => {
    addOrders({ inProgressPolls: 2 });
    api.addLayerVersion('tapline-extension', { architectures: ['x86_64'], runtimes: ['nodejs20.x'] });
    const v2 = api.addLayerVersion('tapline-extension', {
      architectures: ['x86_64'],
      runtimes: ['nodejs20.x'],
    });
    api.addLayerVersion('tapline-extension', { architectures: ['arm64'], runtimes: ['nodejs20.x'] });
    const deps = fakeDeps(api.url);

    const outcome = await runFunctionAttach({ function: 'orders', ingestUrl: INGEST, token: 's3cret' }, deps);

    expect(outcome).toBe('updated');
    const puts = api.writes();
    expect(puts).toHaveLength(1);
    expect(puts[0]!.method).toBe('PUT');
    expect(puts[0]!.path).toBe(CONFIG_PATH);
    const body = puts[0]!.body as { Layers: string[]; Environment: { Variables: Record<string, string> } };
    expect(body.Layers).toEqual([OTHER_LAYER, v2]);
    const vars = body.Environment.Variables;
    expect(Object.keys(vars).sort()).toEqual([
      'AWS_LAMBDA_EXEC_WRAPPER',
      'LOG_LEVEL',
      'TABLE',
      'TAPLINE_ATTACHED',
      'TAPLINE_INGEST_TOKEN',
      'TAPLINE_INGEST_URL',
    ]);
    expect(vars).toMatchObject({
      TABLE: 'orders',
      LOG_LEVEL: 'info',
      AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH,
      TAPLINE_INGEST_URL: INGEST,
      TAPLINE_INGEST_TOKEN: 's3cret',
    });
    expect(vars.AKTO_MIRRORING_URL).toBeUndefined();
    expect(JSON.parse(vars[MARKER_KEY]!)).toEqual({
      v: 1,
      layer: v2,
      replacedLayers: [],
      env: { AWS_LAMBDA_EXEC_WRAPPER: null, TAPLINE_INGEST_URL: null, TAPLINE_INGEST_TOKEN: null },
    });
    // The exact conversation: read, find the layer, one update, then polls until the update finished.
    const calls = api.requests.map((r) => `${r.method} ${r.path}`);
    expect(calls.slice(0, 3)).toEqual([
      `GET ${CONFIG_PATH}`,
      'GET /2018-10-31/layers/tapline-extension/versions',
      `PUT ${CONFIG_PATH}`,
    ]);
    expect(new Set(calls.slice(3))).toEqual(new Set([`GET ${CONFIG_PATH}`]));
    // It asked for the x86_64 line of the layer, and waited until the update was no longer in progress.
    const list = api.requests.find((r) => r.path === '/2018-10-31/layers/tapline-extension/versions');
    expect(list?.query.CompatibleArchitecture).toBe('x86_64');
    const after = api.requests.slice(api.requests.indexOf(puts[0]!) + 1);
    expect(after.filter((r) => r.method === 'GET' && r.path === CONFIG_PATH).length).toBeGreaterThanOrEqual(
      3,
    );
    expect(deps.stdout.join('')).toContain(`attached ${v2} to orders`);
  });

  it('is idempotent: a second identical attach sends no update', async () => {
    addOrders();
    const arn = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    const deps = fakeDeps(api.url);
    await runFunctionAttach({ function: 'orders', ingestUrl: INGEST, layerArn: arn }, deps);
    const before = api.getFunction('orders');
    expect(await runFunctionAttach({ function: 'orders', ingestUrl: INGEST, layerArn: arn }, deps)).toBe(
      'unchanged',
    );
    expect(api.writes()).toHaveLength(1);
    expect(api.getFunction('orders')).toEqual(before);
  });

  it('replaces an older Tapline layer in place instead of stacking, and detach --restore-previous restores the original exactly', async () => {
    const v1 = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    const v2 = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    addOrders({ Layers: [v1, OTHER_LAYER] });
    const original = api.getFunction('orders');
    const deps = fakeDeps(api.url);
    await runFunctionAttach({ function: 'orders', ingestUrl: INGEST, layerArn: v2 }, deps);
    expect(api.getFunction('orders')?.Layers).toEqual([v2, OTHER_LAYER]);
    // A later attach with a new URL replaces the settings rather than adding twins.
    await runFunctionAttach(
      { function: 'orders', ingestUrl: 'http://10.0.0.5:8080/api/ingestData', layerArn: v2 },
      deps,
    );
    const env = api.getFunction('orders')!.Environment!;
    expect(env.TAPLINE_INGEST_URL).toBe('http://10.0.0.5:8080/api/ingestData');
    expect(Object.keys(env).filter((k) => k.includes('INGEST_URL'))).toEqual(['TAPLINE_INGEST_URL']);

    expect(await runFunctionDetach({ function: 'orders', restorePrevious: true }, deps)).toBe('updated');
    expect(api.getFunction('orders')).toEqual(original);
  });

  it('chains an existing exec wrapper and detach puts it back', async () => {
    addOrders({ Environment: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-handler', A: '1' } });
    const arn = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    const deps = fakeDeps(api.url);
    await runFunctionAttach({ function: 'orders', ingestUrl: INGEST, layerArn: arn }, deps);
    const env = api.getFunction('orders')!.Environment!;
    expect(env.AWS_LAMBDA_EXEC_WRAPPER).toBe(WRAPPER_PATH);
    expect(env.TAPLINE_PREVIOUS_EXEC_WRAPPER).toBe('/opt/otel-handler');
    await runFunctionDetach({ function: 'orders' }, deps);
    expect(api.getFunction('orders')!.Environment).toEqual({
      AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-handler',
      A: '1',
    });
  });

  it('updates an existing AKTO_MIRRORING_URL rather than adding a shadowed TAPLINE_INGEST_URL', async () => {
    addOrders({ Environment: { AKTO_MIRRORING_URL: 'http://old/api/ingestData' } });
    const arn = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    const deps = fakeDeps(api.url);
    await runFunctionAttach({ function: 'orders', ingestUrl: INGEST, layerArn: arn }, deps);
    const env = api.getFunction('orders')!.Environment!;
    expect(env.AKTO_MIRRORING_URL).toBe(INGEST);
    expect(env.TAPLINE_INGEST_URL).toBeUndefined();
    await runFunctionDetach({ function: 'orders' }, deps);
    expect(api.getFunction('orders')!.Environment).toEqual({
      AKTO_MIRRORING_URL: 'http://old/api/ingestData',
    });
  });

  it('retries after a 409 conflict and then succeeds', async () => {
    addOrders();
    const arn = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    api.injectFaultOnce({
      method: 'PUT',
      pathPrefix: CONFIG_PATH,
      status: 409,
      type: 'ResourceConflictException',
    });
    const deps = fakeDeps(api.url);
    expect(await runFunctionAttach({ function: 'orders', ingestUrl: INGEST, layerArn: arn }, deps)).toBe(
      'updated',
    );
    const puts = api.writes();
    expect(puts).toHaveLength(2);
    expect(puts[1]!.body).toEqual(puts[0]!.body);
    expect(api.getFunction('orders')!.Layers).toEqual([OTHER_LAYER, arn]);
  });

  it('gives up with a conflict error (exit 6) when the function stays locked past the wait', async () => {
    addOrders();
    const arn = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    for (let i = 0; i < 200; i += 1) {
      api.injectFaultOnce({
        method: 'PUT',
        pathPrefix: CONFIG_PATH,
        status: 409,
        type: 'ResourceConflictException',
      });
    }
    const deps = { ...fakeDeps(api.url), wait: { intervalMs: 5, timeoutMs: 60 } };
    const error = (await runFunctionAttach(
      { function: 'orders', ingestUrl: INGEST, layerArn: arn },
      deps,
    ).catch((e: unknown) => e)) as CliError;
    expect(error).toBeInstanceOf(CliError);
    expect(error.exitCode).toBe(6);
    expect(api.writes().length).toBeGreaterThan(1);
    expect(api.getFunction('orders')!.Layers).toEqual([OTHER_LAYER]);
  });

  it('fails with a not-found error (exit 5) for an unknown function', async () => {
    const deps = fakeDeps(api.url);
    const error = await runFunctionAttach({ function: 'nope', ingestUrl: INGEST }, deps).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(5);
    expect((error as CliError).message).toContain('function nope');
    expect(api.writes()).toHaveLength(0);
  });

  it('says which layer to publish when none exists for the architecture', async () => {
    addOrders({ Architectures: ['arm64'] });
    api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    const error = await runFunctionAttach({ function: 'orders', ingestUrl: INGEST }, fakeDeps(api.url)).catch(
      (e: unknown) => e,
    );
    expect((error as CliError).exitCode).toBe(5);
    expect((error as CliError).message).toContain('tapline layer publish --arch arm64');
  });

  it('refuses an architecture mismatch, saying which layer to publish', async () => {
    addOrders({ Architectures: ['arm64'] });
    const arn = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    const error = await runFunctionAttach(
      { function: 'orders', ingestUrl: INGEST, layerArn: arn },
      fakeDeps(api.url),
    ).catch((e: unknown) => e);
    expect((error as CliError).message).toMatch(/runs on arm64 but layer .* is built for x86_64/);
    expect((error as CliError).message).toContain('tapline layer publish --arch arm64');
    expect(api.writes()).toHaveLength(0);
  });

  it('falls back to the architecture in the layer name when the layer (another account) cannot be read', async () => {
    addOrders({ Architectures: ['arm64'] });
    const foreign = 'arn:aws:lambda:us-east-1:999999999999:layer:tapline-extension-x86_64:3';
    api.injectFaultOnce({
      method: 'GET',
      pathPrefix: '/2018-10-31/layers',
      status: 403,
      type: 'AccessDeniedException',
    });
    const error = (await runFunctionAttach(
      { function: 'orders', ingestUrl: INGEST, layerArn: foreign },
      fakeDeps(api.url),
    ).catch((e: unknown) => e)) as CliError;
    expect(error.message).toContain('is built for x86_64');
    expect(api.writes()).toHaveLength(0);
  });

  it("warns about another proxy layer such as Akto's Go extension", async () => {
    const akto =
      'arn:aws:lambda:us-east-1:123456789012:layer:golang-lambda-runtime-api-proxy-extension-layer:4';
    addOrders({ Layers: [akto], Environment: { AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH } });
    const arn = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    const deps = fakeDeps(api.url);
    await runFunctionAttach({ function: 'orders', ingestUrl: INGEST, layerArn: arn }, deps);
    expect(deps.stderr.join('')).toContain(`warning: layer ${akto} looks like another Runtime API proxy`);
    // Tapline's layer comes after it, so Tapline's wrapper-script.sh is the one in /opt.
    expect(api.getFunction('orders')!.Layers).toEqual([akto, arn]);
    expect(api.getFunction('orders')!.Environment!.TAPLINE_PREVIOUS_EXEC_WRAPPER).toBeUndefined();
  });

  it('refuses OS-only runtimes and container images, saying the wrapper is not honoured', async () => {
    api.addFunction({ FunctionName: 'go-fn', Runtime: 'provided.al2023' });
    api.addFunction({ FunctionName: 'img-fn', PackageType: 'Image' });
    const arn = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    for (const name of ['go-fn', 'img-fn']) {
      const error = await runFunctionAttach(
        { function: name, ingestUrl: INGEST, layerArn: arn },
        fakeDeps(api.url),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).message).toContain('AWS_LAMBDA_EXEC_WRAPPER');
    }
    expect(api.writes()).toHaveLength(0);
  });

  it('refuses a non-Node runtime the layer was not published for', async () => {
    addOrders({ Runtime: 'python3.12' });
    const arn = api.addLayerVersion('tapline-extension', {
      architectures: ['x86_64'],
      runtimes: ['nodejs20.x'],
    });
    const error = await runFunctionAttach(
      { function: 'orders', ingestUrl: INGEST, layerArn: arn },
      fakeDeps(api.url),
    ).catch((e: unknown) => e);
    expect((error as CliError).message).toContain('--with-node');
  });

  it('--dry-run prints a diff with the token masked and changes nothing', async () => {
    addOrders();
    const arn = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
    const deps = fakeDeps(api.url);
    const outcome = await runFunctionAttach(
      { function: 'orders', ingestUrl: INGEST, token: 'top-secret-token', layerArn: arn, dryRun: true },
      deps,
    );
    expect(outcome).toBe('dry-run');
    expect(api.writes()).toHaveLength(0);
    const diff = deps.stdout.join('');
    expect(diff).toContain('--- orders (current)');
    expect(diff).toContain(`  ${OTHER_LAYER}`);
    expect(diff).toContain(`+ ${arn}`);
    expect(diff).toContain(`+ AWS_LAMBDA_EXEC_WRAPPER=${WRAPPER_PATH}`);
    expect(diff).toContain('+ TAPLINE_INGEST_TOKEN=****');
    expect(diff).toContain('  TABLE=orders');
    expect(diff).not.toContain('top-secret-token');
  });

  it('rejects an ingest URL that is not http(s) with a usage error', async () => {
    const error = await runFunctionAttach(
      { function: 'orders', ingestUrl: 'ftp://x' },
      fakeDeps(api.url),
    ).catch((e: unknown) => e);
    expect((error as CliError).exitCode).toBe(2);
  });
});
