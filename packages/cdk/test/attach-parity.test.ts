import { MARKER_KEY, planAttach } from '@tapline/instrumentation';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { Tapline } from '../src/index.js';
import { fakeLayerZips, inlineFunction, newStack } from './cdk-test-stack.js';

// The construct must leave a function exactly as `tapline function attach` would (less attach's own record):
// the same variables for every starting environment, and the layer of the function's architecture.
const INGEST = 'https://tapline.example.com/api/ingestData';
const CASES: { name: string; env: Record<string, string>; token?: string }[] = [
  { name: 'no variables', env: {} },
  { name: 'own variables kept', env: { TABLE: 'orders', LOG_LEVEL: 'info' } },
  { name: 'a foreign wrapper is chained', env: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-instrument' } },
  {
    name: "Tapline's wrapper is not chained to itself",
    env: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrapper-script.sh' },
  },
  {
    name: 'AKTO_MIRRORING_URL is updated, not shadowed',
    env: { AKTO_MIRRORING_URL: 'http://old/api/ingestData' },
  },
  { name: 'a stale Tapline URL is replaced', env: { TAPLINE_INGEST_URL: 'http://stale/api/ingestData' } },
  { name: 'with a token', env: { A1: 'b' }, token: 'plain-token' },
];

describe('CDK construct and `tapline function attach` agree', () => {
  for (const testCase of CASES) {
    for (const arch of ['x86_64', 'arm64'] as const) {
      it(`${testCase.name} (${arch})`, () => {
        const stack = newStack();
        const fn = inlineFunction(stack, 'Fn', lambda.Runtime.NODEJS_22_X, {
          environment: testCase.env,
          architecture: arch === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
        });
        const layerArn = `arn:aws:lambda:eu-west-1:123456789012:layer:tapline-extension:${arch === 'arm64' ? 2 : 1}`;
        Tapline.instrument(stack, [fn], {
          ingestUrl: INGEST,
          layerZips: fakeLayerZips(),
          layerVersionArns: { [arch]: layerArn },
          ...(testCase.token === undefined ? {} : { token: testCase.token }),
        });
        const [resource] = Object.values(
          Template.fromStack(stack).findResources('AWS::Lambda::Function'),
        ) as {
          Properties: { Layers: string[]; Environment: { Variables: Record<string, string> } };
        }[];

        const attached = planAttach(
          { layers: [], env: testCase.env },
          { layerArn, ingestUrl: INGEST, ...(testCase.token === undefined ? {} : { token: testCase.token }) },
        );
        const { [MARKER_KEY]: _record, ...expected } = attached.env;
        expect(resource!.Properties.Environment.Variables).toEqual(expected);
        expect(resource!.Properties.Layers).toEqual(attached.layers);
      });
    }
  }
});
