import { parse as parseHcl } from '@cdktf/hcl2json';
import { WRAPPER_PATH } from '@tapline/instrumentation';
import { FakeLambdaApi } from '@tapline/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runFunctionAttach } from '../src/commands/function-attach.js';
import type { CliError } from '../src/errors.js';
import { fakeDeps } from './aws-test-helpers.js';

const INGEST = 'https://tapline.example.com/api/ingestData';
const OTHER_LAYER = 'arn:aws:lambda:us-east-1:123456789012:layer:powertools:7';
const TOKEN = 'top-secret-token';

let api: FakeLambdaApi;
let v1: string;
let v2: string;
beforeEach(async () => {
  api = await FakeLambdaApi.start();
  v1 = api.addLayerVersion('tapline-extension', { architectures: ['arm64'] });
  v2 = api.addLayerVersion('tapline-extension', { architectures: ['arm64'] });
  api.addFunction({
    FunctionName: 'orders',
    Architectures: ['arm64'],
    Layers: [v1, OTHER_LAYER],
    Environment: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-instrument', TABLE: 'orders' },
  });
});
afterEach(async () => {
  await api.close();
});

async function dryRun(format: 'cloudformation' | 'terraform' | 'json') {
  const deps = fakeDeps(api.url);
  const outcome = await runFunctionAttach(
    { function: 'orders', ingestUrl: INGEST, token: TOKEN, dryRun: true, format },
    deps,
  );
  expect(outcome).toBe('dry-run');
  expect(api.writes()).toHaveLength(0);
  const out = deps.stdout.join('');
  expect(out).not.toContain(TOKEN);
  return { out, err: deps.stderr.join('') };
}

describe('tapline function attach --dry-run --format', () => {
  it('cloudformation: Layers (newest arm64 Tapline layer in place of the older one) and the Tapline variables, token by reference', async () => {
    const { out, err } = await dryRun('cloudformation');
    const fragment = parseYaml(out) as {
      Layers: string[];
      Environment: { Variables: Record<string, string> };
    };
    expect(fragment.Layers).toEqual([v2, OTHER_LAYER]);
    expect(fragment.Environment.Variables).toEqual({
      AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH,
      TAPLINE_PREVIOUS_EXEC_WRAPPER: '/opt/otel-instrument',
      TAPLINE_INGEST_URL: INGEST,
      TAPLINE_INGEST_TOKEN: '{{resolve:secretsmanager:tapline/ingest-token}}',
    });
    expect(out).toMatch(/^# Tapline for function orders \(arm64, nodejs20\.x\)/);
    expect(err).toContain('Secrets Manager secret tapline/ingest-token');
  });

  it('terraform: HCL arguments for aws_lambda_function that an HCL parser accepts', async () => {
    const { out, err } = await dryRun('terraform');
    const parsed = (await parseHcl('fragment.tf', out)) as {
      layers: string[];
      environment: { variables: Record<string, string> }[];
    };
    expect(parsed.layers).toEqual([v2, OTHER_LAYER]);
    expect(parsed.environment).toHaveLength(1);
    expect(parsed.environment[0]!.variables).toEqual({
      AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH,
      TAPLINE_PREVIOUS_EXEC_WRAPPER: '/opt/otel-instrument',
      TAPLINE_INGEST_URL: INGEST,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform or CloudFormation expression, not a JS template
      TAPLINE_INGEST_TOKEN: '${var.tapline_ingest_token}',
    });
    expect(err).toContain('var.tapline_ingest_token');
  });

  it('terraform: a value with a template sequence stays a literal', async () => {
    const deps = fakeDeps(api.url);
    await runFunctionAttach(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform or CloudFormation expression, not a JS template
      { function: 'orders', ingestUrl: 'https://h/api/ingestData?x=${y}', dryRun: true, format: 'terraform' },
      deps,
    );
    const parsed = (await parseHcl('fragment.tf', deps.stdout.join(''))) as {
      environment: { variables: Record<string, string> }[];
    };
    // hcl2json keeps the escaped form of a literal "${": an unescaped one would come back as an expression.
    expect(parsed.environment[0]!.variables.TAPLINE_INGEST_URL).toBe('https://h/api/ingestData?x=$${y}');
  });

  it('json: the function, the layer, the full layer list, the removed layers and the variables (token masked)', async () => {
    const { out } = await dryRun('json');
    expect(JSON.parse(out)).toEqual({
      function: 'orders',
      architecture: 'arm64',
      runtime: 'nodejs20.x',
      layerArn: v2,
      layers: [v2, OTHER_LAYER],
      removedLayers: [v1],
      variables: {
        AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH,
        TAPLINE_PREVIOUS_EXEC_WRAPPER: '/opt/otel-instrument',
        TAPLINE_INGEST_URL: INGEST,
        TAPLINE_INGEST_TOKEN: '****',
      },
    });
  });

  it('an IaC format without --dry-run is a usage error and changes nothing', async () => {
    const error = (await runFunctionAttach(
      { function: 'orders', ingestUrl: INGEST, format: 'terraform' },
      fakeDeps(api.url),
    ).catch((e: unknown) => e)) as CliError;
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('only goes with --dry-run');
    expect(api.requests).toHaveLength(0);
  });
});
