import { WRAPPER_PATH } from '@tapline/instrumentation';
import { FakeLambdaApi } from '@tapline/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFunctionAttach } from '../src/commands/function-attach.js';
import { type ListedFunction, runFunctionList } from '../src/commands/function-list.js';
import type { CliError } from '../src/errors.js';
import { fakeDeps } from './aws-test-helpers.js';

const INGEST = 'https://tapline.example.com/api/ingestData';
const IAC_LAYER = 'arn:aws:lambda:us-east-1:999999999999:layer:tapline-extension-arm64:3';

let api: FakeLambdaApi;
beforeEach(async () => {
  // Two functions a page, so five functions take three pages.
  api = await FakeLambdaApi.start({ listPageSize: 2 });
});
afterEach(async () => {
  await api.close();
});

async function seed(): Promise<string> {
  const arn = api.addLayerVersion('tapline-extension', { architectures: ['x86_64'] });
  api.addFunction({ FunctionName: 'a-attached', Environment: { A: '1' } });
  api.addFunction({
    FunctionName: 'b-iac',
    Runtime: 'python3.13',
    Architectures: ['arm64'],
    Layers: [IAC_LAYER],
    Environment: {
      AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH,
      AKTO_MIRRORING_URL: 'http://10.0.0.9/api/ingestData',
    },
  });
  api.addFunction({ FunctionName: 'c-plain' });
  api.addFunction({ FunctionName: 'd-layer-only', Layers: [arn] });
  api.addFunction({ FunctionName: 'e-image', PackageType: 'Image' });
  await runFunctionAttach({ function: 'a-attached', ingestUrl: INGEST, layerArn: arn }, fakeDeps(api.url));
  return arn;
}

describe('tapline function list', () => {
  it('reads every page of ListFunctions and says which functions are instrumented, with layer and URL', async () => {
    await seed();
    const deps = fakeDeps(api.url);
    const listed = await runFunctionList({ json: true }, deps);

    const lists = api.requests.filter((r) => r.method === 'GET' && r.path === '/2015-03-31/functions');
    expect(lists).toHaveLength(3);
    expect(lists[0]!.query.Marker).toBeUndefined();
    expect(lists[1]!.query.Marker).toBeDefined();
    expect(JSON.parse(deps.stdout.join(''))).toEqual(listed);
    const byName = Object.fromEntries(listed.map((f) => [f.name, f])) as Record<string, ListedFunction>;
    expect(listed.map((f) => f.name)).toEqual(['a-attached', 'b-iac', 'c-plain', 'd-layer-only', 'e-image']);
    expect(byName['a-attached']).toMatchObject({
      tapline: 'instrumented',
      layerVersion: 'tapline-extension:1',
      ingestUrl: INGEST,
      attached: true,
      architecture: 'x86_64',
    });
    expect(byName['b-iac']).toMatchObject({
      tapline: 'instrumented',
      layerVersion: 'tapline-extension-arm64:3',
      ingestUrl: 'http://10.0.0.9/api/ingestData',
      attached: false,
      runtime: 'python3.13',
      architecture: 'arm64',
    });
    expect(byName['c-plain']).toMatchObject({ tapline: 'no', layerVersion: undefined, ingestUrl: undefined });
    // A layer without the wrapper starts the extension but it sees no invocation.
    expect(byName['d-layer-only']).toMatchObject({ tapline: 'partial', layerVersion: 'tapline-extension:1' });
    expect(byName['e-image']).toMatchObject({ tapline: 'no', runtime: 'image' });
  });

  it('prints a table with one row per function and a count', async () => {
    await seed();
    const deps = fakeDeps(api.url);
    await runFunctionList({}, deps);
    const lines = deps.stdout.join('').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^FUNCTION\s+RUNTIME\s+ARCH\s+TAPLINE\s+LAYER\s+INGEST URL$/);
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(
      /^a-attached\s+nodejs20\.x\s+x86_64\s+instrumented \(attach\)\s+tapline-extension:1\s+https:/,
    );
    expect(lines[3]).toMatch(/^c-plain\s+nodejs20\.x\s+x86_64\s+no\s+-\s+-$/);
    expect(lines[6]).toBe('2 of 5 functions instrumented');
  });

  it('fails with one clear error when the listing is refused', async () => {
    api.injectFaultOnce({
      method: 'GET',
      pathPrefix: '/2015-03-31/functions',
      status: 403,
      type: 'AccessDeniedException',
    });
    const error = (await runFunctionList({}, fakeDeps(api.url)).catch((e: unknown) => e)) as CliError;
    expect(error.exitCode).toBe(4);
    expect(error.message).toContain('listing the functions of the region: access denied');
  });
});
