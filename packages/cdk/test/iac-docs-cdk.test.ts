import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildLayer } from '@tapline/extension';
import { WRAPPER_PATH } from '@tapline/instrumentation';
import { docSnippet } from '@tapline/testkit';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LAYER_DIR } from '../src/index.js';

// The CDK snippet of docs/iac.md, run as written: it must import, build a stack and instrument its function
// with the layer zips the package ships (built here as the package build does).
const generated = fileURLToPath(new URL('./.iac-docs-cdk-snippet.generated.ts', import.meta.url));

beforeAll(async () => {
  for (const arch of ['x86_64', 'arm64'] as const) await buildLayer({ arch, outDir: DEFAULT_LAYER_DIR });
  writeFileSync(generated, docSnippet('iac.md', 'cdk').code);
});
afterAll(() => {
  rmSync(generated, { force: true });
});

// Loading aws-cdk-lib and synthesising take seconds on a shared machine.
describe('docs/iac.md CDK snippet', { timeout: 120_000 }, () => {
  it('synthesises: the arm64 layer from the shipped zip on the function, wrapper, URL and token by reference', async () => {
    const { OrdersStack } = (await import(generated)) as {
      OrdersStack: new (scope: App, id: string) => Stack;
    };
    const template = Template.fromStack(new OrdersStack(new App(), 'Orders'));
    template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
    template.hasResourceProperties('AWS::Lambda::LayerVersion', {
      LayerName: 'tapline-extension-arm64',
      CompatibleArchitectures: ['arm64'],
    });
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as {
      Properties: { Layers: unknown[]; Environment: { Variables: Record<string, unknown> } };
    }[];
    const vars = fn!.Properties.Environment.Variables;
    expect(fn!.Properties.Layers).toHaveLength(1);
    expect(vars.AWS_LAMBDA_EXEC_WRAPPER).toBe(WRAPPER_PATH);
    expect(vars.TAPLINE_INGEST_URL).toBe('https://tapline.example.com/api/ingestData');
    expect(JSON.stringify(vars.TAPLINE_INGEST_TOKEN)).toContain('{{resolve:secretsmanager:');
  });
});
