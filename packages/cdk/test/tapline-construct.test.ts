import {
  DEFAULT_LAYER_NAME,
  InstrumentationErrorCode,
  WRAPPER_PATH,
  wrapperRefusal,
} from '@tapline/instrumentation';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { Tapline } from '../src/index.js';
import { fakeLayerZips, inlineFunction, newStack } from './cdk-test-stack.js';

const INGEST = 'https://tapline.example.com/api/ingestData';

type Resource = { Properties: Record<string, unknown> };

function functionNamed(template: Template, idPrefix: string): Resource {
  const all = template.findResources('AWS::Lambda::Function') as Record<string, Resource>;
  const entry = Object.entries(all).find(([logicalId]) => logicalId.startsWith(idPrefix));
  if (entry === undefined) throw new Error(`no function ${idPrefix} in ${Object.keys(all).join(', ')}`);
  return entry[1];
}

function layerIds(template: Template): Record<string, string> {
  const layers = template.findResources('AWS::Lambda::LayerVersion') as Record<string, Resource>;
  return Object.fromEntries(
    Object.entries(layers).map(([id, r]) => [(r.Properties.CompatibleArchitectures as string[])[0]!, id]),
  );
}

describe('Tapline CDK construct', () => {
  it('instruments Node and Python functions on both architectures with the right layer and variables', () => {
    const stack = newStack();
    const secret = new secretsmanager.Secret(stack, 'IngestToken');
    const tapline = new Tapline(stack, 'Tapline', {
      ingestUrl: INGEST,
      tokenSecret: secret,
      layerZips: fakeLayerZips(),
      withNode: true,
    });
    const fns = {
      NodeX86: inlineFunction(stack, 'NodeX86', lambda.Runtime.NODEJS_22_X, {
        environment: { TABLE: 'orders' },
      }),
      NodeArm: inlineFunction(stack, 'NodeArm', lambda.Runtime.NODEJS_24_X, {
        architecture: lambda.Architecture.ARM_64,
      }),
      PyX86: inlineFunction(stack, 'PyX86', lambda.Runtime.PYTHON_3_13),
      PyArm: inlineFunction(stack, 'PyArm', lambda.Runtime.PYTHON_3_12, {
        architecture: lambda.Architecture.ARM_64,
      }),
    };
    tapline.instrument(...Object.values(fns));
    const template = Template.fromStack(stack);

    // One layer version per architecture, named so that `tapline function detach/list` recognise it.
    template.resourceCountIs('AWS::Lambda::LayerVersion', 2);
    template.hasResourceProperties('AWS::Lambda::LayerVersion', {
      LayerName: `${DEFAULT_LAYER_NAME}-arm64`,
      CompatibleArchitectures: ['arm64'],
      CompatibleRuntimes: Match.arrayWith(['nodejs24.x', 'python3.12', 'python3.13']),
      Content: { S3Bucket: Match.anyValue(), S3Key: Match.stringLikeRegexp('\\.zip$') },
    });
    const layer = layerIds(template);
    expect(Object.keys(layer).sort()).toEqual(['arm64', 'x86_64']);

    for (const [id, arch] of [
      ['NodeX86', 'x86_64'],
      ['NodeArm', 'arm64'],
      ['PyX86', 'x86_64'],
      ['PyArm', 'arm64'],
    ] as const) {
      const props = functionNamed(template, id).Properties;
      expect(props.Layers, id).toEqual([{ Ref: layer[arch] }]);
      const vars = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(vars.AWS_LAMBDA_EXEC_WRAPPER, id).toBe(WRAPPER_PATH);
      expect(vars.TAPLINE_INGEST_URL, id).toBe(INGEST);
      expect(vars.TAPLINE_PREVIOUS_EXEC_WRAPPER, id).toBeUndefined();
      // The token is a deploy-time reference to the secret, never its value.
      const token = JSON.stringify(vars.TAPLINE_INGEST_TOKEN);
      expect(token, id).toContain('{{resolve:secretsmanager:');
      expect(token, id).toContain(stack.getLogicalId(secret.node.defaultChild as secretsmanager.CfnSecret));
    }
    expect(
      (functionNamed(template, 'NodeX86').Properties.Environment as { Variables: object }).Variables,
    ).toMatchObject({
      TABLE: 'orders',
    });
  });

  it('chains an existing wrapper, keeps variables added after instrument, and updates AKTO_MIRRORING_URL', () => {
    const stack = newStack();
    const fn = inlineFunction(stack, 'Otel', lambda.Runtime.NODEJS_22_X, {
      environment: {
        AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel-instrument',
        AKTO_MIRRORING_URL: 'http://old/api/ingestData',
      },
    });
    Tapline.instrument(stack, [fn], { ingestUrl: INGEST, layerZips: fakeLayerZips() });
    fn.addEnvironment('ADDED_LATER', 'yes');
    const vars = (
      functionNamed(Template.fromStack(stack), 'Otel').Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(vars).toEqual({
      AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH,
      TAPLINE_PREVIOUS_EXEC_WRAPPER: '/opt/otel-instrument',
      AKTO_MIRRORING_URL: INGEST,
      ADDED_LATER: 'yes',
    });
  });

  it('refuses provided.* runtimes and container images with the same messages as attach', () => {
    const stack = newStack();
    const tapline = new Tapline(stack, 'Tapline', { ingestUrl: INGEST, layerZips: fakeLayerZips() });
    const go = new lambda.Function(stack, 'Go', {
      runtime: lambda.Runtime.PROVIDED_AL2023,
      handler: 'bootstrap',
      code: lambda.Code.fromBucket(s3.Bucket.fromBucketName(stack, 'Artifacts', 'artifacts'), 'go.zip'),
    });
    const image = new lambda.DockerImageFunction(stack, 'Image', {
      code: lambda.DockerImageCode.fromEcr(ecr.Repository.fromRepositoryName(stack, 'Repo', 'service')),
    });
    const expected = {
      go: wrapperRefusal({ name: go.node.path, runtime: 'provided.al2023', packageType: 'Zip' }),
      image: wrapperRefusal({ name: image.node.path, runtime: undefined, packageType: 'Image' }),
    };
    expect(expected.go).toContain('Lambda does not honour AWS_LAMBDA_EXEC_WRAPPER');
    expect(expected.image).toContain('container image');
    expect(() => tapline.instrument(go)).toThrow(`Tapline: ${expected.go}`);
    expect(() => tapline.instrument(go)).toThrow(
      expect.objectContaining({ code: InstrumentationErrorCode.WrapperIgnored }),
    );
    expect(() => tapline.instrument(image)).toThrow(`Tapline: ${expected.image}`);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::LayerVersion', 0);
    for (const props of Object.values(
      template.findResources('AWS::Lambda::Function') as Record<string, Resource>,
    )) {
      expect(props.Properties.Layers).toBeUndefined();
      expect(JSON.stringify(props.Properties.Environment ?? {})).not.toContain('TAPLINE');
    }
  });

  it('refuses a Python function when the layer ships no Node, saying how to build one that does', () => {
    const stack = newStack();
    const tapline = new Tapline(stack, 'Tapline', { ingestUrl: INGEST, layerZips: fakeLayerZips() });
    const py = inlineFunction(stack, 'Py', lambda.Runtime.PYTHON_3_13);
    expect(() => tapline.instrument(py)).toThrow(
      /not published for runtime python3\.13.*--with-node.*withNode: true/,
    );
  });

  it('an Aspect instruments every function of the stack and warns about the ones it must skip', () => {
    const stack = newStack();
    new Tapline(stack, 'Tapline', {
      ingestUrl: INGEST,
      layerZips: fakeLayerZips(),
      withNode: true,
    }).instrumentAll();
    inlineFunction(stack, 'Api', lambda.Runtime.NODEJS_22_X);
    inlineFunction(stack, 'Worker', lambda.Runtime.PYTHON_3_13, { architecture: lambda.Architecture.ARM_64 });
    new lambda.Function(stack, 'Go', {
      runtime: lambda.Runtime.PROVIDED_AL2023,
      handler: 'bootstrap',
      code: lambda.Code.fromBucket(s3.Bucket.fromBucketName(stack, 'Artifacts', 'artifacts'), 'go.zip'),
    });
    const template = Template.fromStack(stack);
    const layer = layerIds(template);
    expect(functionNamed(template, 'Api').Properties.Layers).toEqual([{ Ref: layer.x86_64 }]);
    expect(functionNamed(template, 'Worker').Properties.Layers).toEqual([{ Ref: layer.arm64 }]);
    expect(functionNamed(template, 'Go').Properties.Layers).toBeUndefined();
    Annotations.fromStack(stack).hasWarning(
      '/Service/Go',
      Match.stringLikeRegexp('Tapline skipped it: .*OS-only runtime provided.al2023'),
    );
  });

  it('uses published layer versions when given, and takes the token from an SSM parameter', () => {
    const stack = newStack();
    const published = 'arn:aws:lambda:eu-west-1:123456789012:layer:tapline-extension:7';
    const fn = inlineFunction(stack, 'Api', lambda.Runtime.NODEJS_22_X);
    Tapline.instrument(stack, [fn], {
      ingestUrl: INGEST,
      layerVersionArns: { x86_64: published },
      tokenParameterName: '/tapline/ingest-token',
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::LayerVersion', 0);
    const props = functionNamed(template, 'Api').Properties;
    expect(props.Layers).toEqual([published]);
    const token = (props.Environment as { Variables: Record<string, { Ref?: string }> }).Variables
      .TAPLINE_INGEST_TOKEN;
    const parameter = template.toJSON().Parameters[token?.Ref ?? ''];
    expect(parameter).toMatchObject({
      Type: 'AWS::SSM::Parameter::Value<String>',
      Default: '/tapline/ingest-token',
    });
  });

  it('says what to build when the layer zip is missing, and rejects a bad ingest URL or two token sources', () => {
    const stack = newStack();
    const fn = inlineFunction(stack, 'Api', lambda.Runtime.NODEJS_22_X);
    const tapline = new Tapline(stack, 'Tapline', {
      ingestUrl: INGEST,
      layerZips: { x86_64: '/nonexistent/x.zip' },
    });
    expect(() => tapline.instrument(fn)).toThrow(
      /no x86_64 layer zip at \/nonexistent\/x\.zip.*tapline layer build --arch x86_64/,
    );
    expect(() => new Tapline(stack, 'Bad', { ingestUrl: 'ftp://x' })).toThrow('ingestUrl must be http(s)');
    expect(
      () => new Tapline(stack, 'Two', { ingestUrl: INGEST, token: 'a', tokenParameterName: '/p' }),
    ).toThrow('at most one of');
  });
});
