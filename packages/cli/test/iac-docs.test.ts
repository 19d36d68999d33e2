import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { isTaplineLayer, parseLayerArn, WRAPPER_PATH } from '@tapline/instrumentation';
import { docSnippet, FakeLambdaApi } from '@tapline/testkit';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type PublishedLayers, runLayerPublish } from '../src/commands/layer-publish.js';
import { fakeDeps } from './aws-test-helpers.js';
import { CFN_TAGS } from './cfn-yaml-tags.js';

// The snippets of docs/iac.md, parsed as their tools would and checked for the layer, the wrapper and the URL.
const DOC = 'iac.md';
const INGEST_URL = /^https:\/\/[^/]+\/api\/ingestData$/;
const LAYER_PARAM: Record<string, string> = { x86_64: 'TaplineLayerX8664', arm64: 'TaplineLayerArm64' };

type Vars = Record<string, unknown>;

function expectTokenByReference(token: unknown): void {
  const text = JSON.stringify(token);
  expect(text).toMatch(/\{\{resolve:(secretsmanager|ssm):/);
}

describe('docs/iac.md snippets', () => {
  it('SAM: every function gets the layer parameter of its architecture; Globals carry wrapper, URL and token', () => {
    const snippet = docSnippet(DOC, 'sam');
    expect(snippet.lang).toBe('yaml');
    const template = parseYaml(snippet.code, { customTags: CFN_TAGS }) as {
      Transform: string;
      Parameters: Record<string, { Type: string; Default?: string; Description?: string }>;
      Globals: { Function: { Environment: { Variables: Vars } } };
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
    const vars = template.Globals.Function.Environment.Variables;
    expect(vars.AWS_LAMBDA_EXEC_WRAPPER).toBe(WRAPPER_PATH);
    expect(vars.TAPLINE_INGEST_URL).toEqual({ Ref: 'TaplineIngestUrl' });
    expect(template.Parameters.TaplineIngestUrl?.Default).toMatch(INGEST_URL);
    expectTokenByReference(vars.TAPLINE_INGEST_TOKEN);

    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Serverless::Function');
    expect(functions.length).toBeGreaterThanOrEqual(2);
    const archs = new Set<string>();
    for (const fn of functions) {
      const [arch] = fn.Properties.Architectures as string[];
      archs.add(arch!);
      expect(fn.Properties.Layers).toEqual([{ Ref: LAYER_PARAM[arch!] }]);
      const param = template.Parameters[LAYER_PARAM[arch!]!];
      expect(param?.Type).toBe('String');
      expect(param?.Description).toContain(`layers.${arch}.layerVersionArn`);
    }
    expect(archs).toEqual(new Set(['x86_64', 'arm64']));
  });

  it('CloudFormation: AWS::Lambda::Function with the layer of its architecture, the chained wrapper, URL and token', () => {
    const template = parseYaml(docSnippet(DOC, 'cloudformation').code, { customTags: CFN_TAGS }) as {
      Parameters: Record<string, { Type: string }>;
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const fn = template.Resources.OrdersApi!;
    expect(fn.Type).toBe('AWS::Lambda::Function');
    const [arch] = fn.Properties.Architectures as string[];
    expect(fn.Properties.Layers).toEqual([{ Ref: LAYER_PARAM[arch!] }]);
    expect(template.Parameters[LAYER_PARAM[arch!]!]?.Type).toBe('String');
    const vars = (fn.Properties.Environment as { Variables: Vars }).Variables;
    expect(vars.AWS_LAMBDA_EXEC_WRAPPER).toBe(WRAPPER_PATH);
    expect(vars.TAPLINE_PREVIOUS_EXEC_WRAPPER).toMatch(/^\/opt\//);
    expect(vars.TAPLINE_INGEST_URL).toMatch(INGEST_URL);
    expect(vars.TAPLINE_INGEST_TOKEN).toEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform or CloudFormation expression, not a JS template
      'Fn::Sub': '{{resolve:secretsmanager:${AWS::StackName}/tapline-token}}',
    });
  });

  it('Terraform: parses as HCL; the layer is read from `layer publish --json` output for the function architecture', async () => {
    const snippet = docSnippet(DOC, 'terraform');
    expect(snippet.lang).toBe('hcl');
    const hcl = (await parseHcl('main.tf', snippet.code)) as {
      locals: { tapline: string }[];
      variable: Record<string, { default?: string }[]>;
      data: Record<string, Record<string, { secret_id: string }[]>>;
      resource: { aws_lambda_function: Record<string, Record<string, unknown>[]> };
    };
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform or CloudFormation expression, not a JS template
    expect(hcl.locals[0]!.tapline).toBe('${jsondecode(file("${path.module}/tapline-layers.json"))}');
    const fn = hcl.resource.aws_lambda_function.orders_api![0]!;
    const [arch] = fn.architectures as string[];
    const layers = fn.layers as string[];
    expect(layers).toHaveLength(1);
    const field = /^\$\{local\.tapline\.layers\["(\w+)"\]\.(\w+)\}$/.exec(layers[0]!);
    expect(field?.[1]).toBe(arch);
    const vars = (fn.environment as { variables: Vars }[])[0]!.variables;
    expect(vars.AWS_LAMBDA_EXEC_WRAPPER).toBe(WRAPPER_PATH);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform or CloudFormation expression, not a JS template
    expect(vars.TAPLINE_INGEST_URL).toBe('${var.tapline_ingest_url}');
    expect(hcl.variable.tapline_ingest_url![0]!.default).toMatch(INGEST_URL);
    expect(vars.TAPLINE_INGEST_TOKEN).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform or CloudFormation expression, not a JS template
      '${data.aws_secretsmanager_secret_version.tapline_token.secret_string}',
    );
    expect(hcl.data.aws_secretsmanager_secret_version!.tapline_token![0]!.secret_id).toBe(
      'tapline/ingest-token',
    );

    // The expression's path exists in what `tapline layer publish --json` really prints, and is an ARN.
    const api = await FakeLambdaApi.start();
    try {
      const deps = fakeDeps(api.url);
      const zip = path.join(await mkdtemp(path.join(tmpdir(), 'tapline-docs-')), 'layer.zip');
      await writeFile(zip, Buffer.from('PK\u0003\u0004docs'));
      await runLayerPublish(
        { arch: [arch as 'arm64'], layerName: 'tapline-extension', outDir: '.', zip, json: true },
        deps,
      );
      const printed = JSON.parse(deps.stdout.join('')) as PublishedLayers;
      const layer: Record<string, unknown> = { ...printed.layers[arch as 'arm64'] };
      const arn = layer[field![2]!] as string;
      expect(parseLayerArn(arn)?.version).toBe(1);
      expect(isTaplineLayer(arn, undefined)).toBe(true);
    } finally {
      await api.close();
    }
  });

  it('Serverless Framework: provider layers and environment with the wrapper, URL and token', () => {
    const snippet = docSnippet(DOC, 'serverless');
    const config = parseYaml(snippet.code) as {
      service: string;
      provider: { name: string; runtime: string; architecture: string; layers: string[]; environment: Vars };
      functions: Record<string, { handler: string }>;
    };
    expect(config.provider.name).toBe('aws');
    expect(config.provider.runtime).toMatch(/^nodejs\d+\.x$/);
    expect(['x86_64', 'arm64']).toContain(config.provider.architecture);
    expect(config.provider.layers).toHaveLength(1);
    const arn = config.provider.layers[0]!;
    expect(parseLayerArn(arn)?.version).toBeGreaterThan(0);
    expect(isTaplineLayer(arn, undefined)).toBe(true);
    expect(config.provider.environment.AWS_LAMBDA_EXEC_WRAPPER).toBe(WRAPPER_PATH);
    expect(config.provider.environment.TAPLINE_INGEST_URL).toMatch(INGEST_URL);
    expect(config.provider.environment.TAPLINE_INGEST_TOKEN).toMatch(/^\$\{ssm:\/[\w/-]+\}$/);
    expect(Object.keys(config.functions).length).toBeGreaterThan(0);
    for (const fn of Object.values(config.functions)) expect(fn.handler).toMatch(/^\w+\.\w+$/);
  });

  it('the snippet reader fails on a missing snippet rather than checking nothing', () => {
    expect(() => docSnippet(DOC, 'no-such-snippet')).toThrow('found 0');
  });
});
