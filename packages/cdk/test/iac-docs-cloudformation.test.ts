import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WRAPPER_PATH } from '@tapline/instrumentation';
import { docSnippet } from '@tapline/testkit';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { describe, expect, it } from 'vitest';

// Schema check of the CloudFormation snippets of docs/iac.md: CfnInclude types every property against the
// resource's CloudFormation definition, and CDK's CloudFormation validation (made an error here) rejects
// unknown properties and malformed values, as cfn-lint would.
const dir = mkdtempSync(path.join(tmpdir(), 'tapline-docs-cfn-'));

function include(name: string, code: string, parameters: Record<string, string> = {}): Template {
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, code);
  const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
  const stack = new Stack(app, 'Docs');
  new CfnInclude(stack, 'Template', { templateFile: file, parameters });
  return Template.fromStack(stack);
}

// Loading every CloudFormation resource type takes seconds on a shared machine.
describe('docs/iac.md CloudFormation snippets against the resource schemas', { timeout: 120_000 }, () => {
  it('the plain CloudFormation function validates and carries the layer, the wrapper and the URL', () => {
    const layer = 'arn:aws:lambda:eu-west-1:123456789012:layer:tapline-extension:2';
    const template = include('cloudformation', docSnippet('iac.md', 'cloudformation').code, {
      TaplineLayerArm64: layer,
      FunctionRoleArn: 'arn:aws:iam::123456789012:role/orders',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'],
      Layers: [layer],
      Environment: {
        Variables: {
          AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH,
          TAPLINE_INGEST_URL: 'https://tapline.example.com/api/ingestData',
        },
      },
    });
  });

  it('the check can fail: a misspelt property or a malformed layer list is rejected', () => {
    const code = docSnippet('iac.md', 'cloudformation').code;
    expect(() => include('misspelt', code.replace('      Layers:', '      Layer:'))).toThrow(
      "'Layer' was unexpected",
    );
    expect(() =>
      include('malformed', code.replace('        - !Ref TaplineLayerArm64', '        TaplineLayer: 1')),
    ).toThrow(/should be a list/);
  });

  it('the SAM template loads as AWS::Serverless::Function resources with their layer and architecture', () => {
    const template = include('sam', docSnippet('iac.md', 'sam').code);
    const json = template.toJSON() as {
      Globals: { Function: { Environment: { Variables: Record<string, unknown> } } };
      Resources: Record<string, { Type: string; Properties: { Architectures: string[]; Layers: unknown[] } }>;
    };
    expect(json.Globals.Function.Environment.Variables.AWS_LAMBDA_EXEC_WRAPPER).toBe(WRAPPER_PATH);
    const functions = Object.values(json.Resources).filter((r) => r.Type === 'AWS::Serverless::Function');
    expect(functions.map((f) => [f.Properties.Architectures, f.Properties.Layers])).toEqual([
      [['arm64'], [{ Ref: 'TaplineLayerArm64' }]],
      [['x86_64'], [{ Ref: 'TaplineLayerX8664' }]],
    ]);
  });
});
