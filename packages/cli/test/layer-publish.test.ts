import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compatibleRuntimes } from '@tapline/instrumentation';
import { FakeLambdaApi } from '@tapline/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runLayerPublish } from '../src/commands/layer-publish.js';
import type { CliError } from '../src/errors.js';
import { fakeDeps } from './aws-test-helpers.js';

let api: FakeLambdaApi;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tapline-publish-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  api = await FakeLambdaApi.start();
});
afterEach(async () => {
  await api.close();
});

describe('tapline layer publish', () => {
  it('builds the layer and publishes it with architecture and runtimes set, printing the version ARN', async () => {
    const deps = fakeDeps(api.url);
    const outDir = path.join(dir, 'arm');
    const result = await runLayerPublish({ arch: ['arm64'], layerName: 'tapline-extension', outDir }, deps);

    const arm = result.layers.arm64!;
    expect(arm.layerVersionArn).toBe('arn:aws:lambda:us-east-1:123456789012:layer:tapline-extension:1');
    expect(result.layers.x86_64).toBeUndefined();
    expect(deps.stdout.join('')).toBe(`${arm.layerVersionArn}\n`);
    const [publish] = api.writes();
    expect(publish?.method).toBe('POST');
    expect(publish?.path).toBe('/2018-10-31/layers/tapline-extension/versions');
    const body = publish!.body as {
      Content: { ZipFile: string };
      CompatibleArchitectures: string[];
      CompatibleRuntimes: string[];
    };
    expect(body.CompatibleArchitectures).toEqual(['arm64']);
    expect(body.CompatibleRuntimes).toEqual(['nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x']);
    expect(body.CompatibleRuntimes.some((r) => r.startsWith('provided'))).toBe(false);
    // The uploaded bytes are the built zip (a zip starts with PK\x03\x04).
    const zip = Buffer.from(body.Content.ZipFile, 'base64');
    expect(zip.subarray(0, 4).toString('hex')).toBe('504b0304');
    expect(zip.equals(await readFile(path.join(outDir, 'tapline-layer-arm64.zip')))).toBe(true);
  });

  it('publishes a given zip and prints JSON; versions increase', async () => {
    const deps = fakeDeps(api.url);
    const zipPath = path.join(dir, 'given.zip');
    await import('node:fs/promises').then((fs) => fs.writeFile(zipPath, Buffer.from('PK\u0003\u0004fake')));
    await runLayerPublish({ arch: 'x86_64', layerName: 'tl', outDir: dir, zip: zipPath }, deps);
    deps.stdout.length = 0;
    const second = await runLayerPublish(
      { arch: 'x86_64', layerName: 'tl', outDir: dir, zip: zipPath, json: true },
      deps,
    );
    expect(second.layers.x86_64?.version).toBe(2);
    expect(JSON.parse(deps.stdout.join(''))).toEqual({
      layerName: 'tl',
      withNode: false,
      layers: {
        x86_64: {
          layerVersionArn: 'arn:aws:lambda:us-east-1:123456789012:layer:tl:2',
          layerArn: 'arn:aws:lambda:us-east-1:123456789012:layer:tl',
          version: 2,
          arch: 'x86_64',
          compatibleRuntimes: compatibleRuntimes(false),
          zipBytes: 8,
        },
      },
    });
  });

  it('publishes one layer version per architecture and prints both ARNs as JSON', async () => {
    const deps = fakeDeps(api.url);
    const outDir = path.join(dir, 'both');
    const result = await runLayerPublish(
      { arch: ['x86_64', 'arm64'], layerName: 'tapline-extension', outDir, json: true },
      deps,
    );
    const printed = JSON.parse(deps.stdout.join('')) as typeof result;
    expect(printed).toEqual(result);
    expect(printed.layers.x86_64?.layerVersionArn).toBe(
      'arn:aws:lambda:us-east-1:123456789012:layer:tapline-extension:1',
    );
    expect(printed.layers.arm64?.layerVersionArn).toBe(
      'arn:aws:lambda:us-east-1:123456789012:layer:tapline-extension:2',
    );
    const bodies = api
      .writes()
      .map((w) => w.body as { CompatibleArchitectures: string[]; Content: { ZipFile: string } });
    expect(bodies.map((b) => b.CompatibleArchitectures)).toEqual([['x86_64'], ['arm64']]);
    for (const [i, arch] of (['x86_64', 'arm64'] as const).entries()) {
      const zip = await readFile(path.join(outDir, `tapline-layer-${arch}.zip`));
      expect(Buffer.from(bodies[i]!.Content.ZipFile, 'base64').equals(zip)).toBe(true);
    }
    expect(api.layerVersions('tapline-extension').map((v) => v.CompatibleArchitectures)).toEqual([
      ['x86_64'],
      ['arm64'],
    ]);
  });

  it('when the second architecture fails, names the version already published for the first', async () => {
    const deps = fakeDeps(api.url);
    const outDir = path.join(dir, 'half');
    let posts = 0;
    const original = deps.lambdaClient;
    deps.lambdaClient = async (options) => {
      const client = await original(options);
      client.middlewareStack.add(
        (next) => async (args) => {
          posts += 1;
          if (posts === 2)
            throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
          return next(args);
        },
        { step: 'initialize' },
      );
      return client;
    };
    const error = (await runLayerPublish(
      { arch: ['x86_64', 'arm64'], layerName: 'tapline-extension', outDir },
      deps,
    ).catch((e: unknown) => e)) as CliError;
    expect(error.message).toContain('publishing layer tapline-extension for arm64');
    expect(deps.stderr.join('')).toContain(
      'published x86_64 before the failure: arn:aws:lambda:us-east-1:123456789012:layer:tapline-extension:1',
    );
    expect(api.layerVersions('tapline-extension')).toHaveLength(1);
  });

  it('refuses --zip with two architectures (a zip holds one) before publishing anything', async () => {
    const error = (await runLayerPublish(
      { arch: ['x86_64', 'arm64'], layerName: 'tl', outDir: dir, zip: path.join(dir, 'given.zip') },
      fakeDeps(api.url),
    ).catch((e: unknown) => e)) as CliError;
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('exactly one --arch');
    expect(api.writes()).toHaveLength(0);
  });

  it('lists the AL2023 runtimes only when Node is shipped, never provided.*', () => {
    expect(compatibleRuntimes(true)).toEqual(
      expect.arrayContaining(['python3.12', 'java21', 'dotnet8', 'nodejs22.x']),
    );
    expect(compatibleRuntimes(true).length).toBeLessThanOrEqual(15);
    expect(compatibleRuntimes(true).some((r) => r.startsWith('provided'))).toBe(false);
  });

  it('fails with a usage error when the zip does not exist', async () => {
    const error = (await runLayerPublish(
      { arch: 'x86_64', layerName: 'tl', outDir: dir, zip: path.join(dir, 'missing.zip') },
      fakeDeps(api.url),
    ).catch((e: unknown) => e)) as CliError;
    expect(error.exitCode).toBe(2);
    expect(api.writes()).toHaveLength(0);
  });
});
