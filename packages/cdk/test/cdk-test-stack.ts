import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** Stand-in layer zips (synthesis only stages and hashes them). */
export function fakeLayerZips(): { x86_64: string; arm64: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'tapline-cdk-'));
  const zips = { x86_64: path.join(dir, 'x86.zip'), arm64: path.join(dir, 'arm.zip') };
  writeFileSync(zips.x86_64, 'PK\u0003\u0004x86_64');
  writeFileSync(zips.arm64, 'PK\u0003\u0004arm64');
  return zips;
}

export function newStack(): Stack {
  return new Stack(new App(), 'Service', { env: { account: '123456789012', region: 'eu-west-1' } });
}

export function inlineFunction(
  stack: Stack,
  id: string,
  runtime: lambda.Runtime,
  options: Partial<lambda.FunctionProps> = {},
): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    ...options,
  });
}
