import { describe, expect, it } from 'vitest';
import {
  compatibleRuntimes,
  type FunctionState,
  InstrumentationError,
  instrumentationStatus,
  MARKER_KEY,
  planAttach,
  planRemoveTapline,
  planRestorePrevious,
  readMarker,
  taplineVariables,
  WRAPPER_PATH,
  wrapperRefusal,
} from '../src/index.js';

const LAYER = 'arn:aws:lambda:us-east-1:123456789012:layer:tapline-extension:4';
const OLD = 'arn:aws:lambda:us-east-1:123456789012:layer:tapline-extension:2';
const OTHER = 'arn:aws:lambda:us-east-1:123456789012:layer:powertools:7';
const URL = 'https://tapline.example.com/api/ingestData';

describe('taplineVariables', () => {
  it('sets the wrapper and URL, chains a foreign wrapper, never chains its own', () => {
    expect(taplineVariables({}, { ingestUrl: URL })).toEqual({
      AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH,
      TAPLINE_INGEST_URL: URL,
    });
    expect(
      taplineVariables({ AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel' }, { ingestUrl: URL, token: 't' }),
    ).toEqual({
      AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH,
      TAPLINE_PREVIOUS_EXEC_WRAPPER: '/opt/otel',
      TAPLINE_INGEST_URL: URL,
      TAPLINE_INGEST_TOKEN: 't',
    });
    expect(
      taplineVariables({ AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH }, { ingestUrl: URL }),
    ).not.toHaveProperty('TAPLINE_PREVIOUS_EXEC_WRAPPER');
    expect(taplineVariables({ AKTO_MIRRORING_URL: 'http://old' }, { ingestUrl: URL })).toEqual({
      AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH,
      AKTO_MIRRORING_URL: URL,
    });
  });

  it('passes non-string values (deploy-time references) through as they are', () => {
    const ref = { Ref: 'WrapperParam' };
    expect(taplineVariables<unknown>({ AWS_LAMBDA_EXEC_WRAPPER: ref }, { ingestUrl: URL })).toMatchObject({
      TAPLINE_PREVIOUS_EXEC_WRAPPER: ref,
    });
  });
});

describe('planRemoveTapline and planRestorePrevious', () => {
  const original: FunctionState = {
    layers: [OLD, OTHER],
    env: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel', TAPLINE_SAMPLE_RATE: '0.1', KEEP: '1' },
  };
  const attached = planAttach(original, { layerArn: LAYER, ingestUrl: URL, token: 's' });

  it('attach replaced the older layer in place and recorded what it changed', () => {
    expect(attached.layers).toEqual([LAYER, OTHER]);
    expect(readMarker(attached.env)?.replacedLayers).toEqual([OLD]);
  });

  it('remove: no Tapline layer, no TAPLINE_* variable, the chained wrapper back, the rest untouched', () => {
    expect(planRemoveTapline(attached)).toEqual({
      layers: [OTHER],
      env: { AWS_LAMBDA_EXEC_WRAPPER: '/opt/otel', KEEP: '1' },
    });
  });

  it('restore previous: exactly the state before attach, older layer included', () => {
    expect(planRestorePrevious(attached)).toEqual(original);
  });

  it('a record Tapline did not write is refused with a stable code', () => {
    const broken = { layers: [LAYER], env: { [MARKER_KEY]: 'not json' } };
    expect(() => planRemoveTapline(broken)).toThrow(InstrumentationError);
    expect(() => planRestorePrevious(broken)).toThrow(/not a record Tapline wrote/);
  });
});

describe('instrumentationStatus', () => {
  it('tells instrumented, partial and not instrumented apart', () => {
    expect(
      instrumentationStatus({
        layers: [OTHER, LAYER],
        env: { AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH, TAPLINE_INGEST_URL: URL },
      }),
    ).toEqual({
      state: 'instrumented',
      layers: [LAYER],
      layerVersion: 'tapline-extension:4',
      ingestUrl: URL,
      attached: false,
    });
    expect(instrumentationStatus({ layers: [LAYER], env: {} }).state).toBe('partial');
    expect(instrumentationStatus({ layers: [], env: { TAPLINE_INGEST_URL: URL } }).state).toBe('partial');
    expect(instrumentationStatus({ layers: [OTHER], env: { A: 'b' } }).state).toBe('no');
  });
});

describe('refusals and runtimes', () => {
  it('refuses images and OS-only runtimes, accepts the rest', () => {
    expect(wrapperRefusal({ name: 'f', runtime: undefined, packageType: 'Image' })).toContain(
      'container image',
    );
    expect(wrapperRefusal({ name: 'f', runtime: 'provided.al2', packageType: 'Zip' })).toContain(
      'OS-only runtime',
    );
    expect(wrapperRefusal({ name: 'f', runtime: 'nodejs22.x', packageType: 'Zip' })).toBeUndefined();
  });

  it('lists at most 15 runtimes (the PublishLayerVersion limit), never provided.*', () => {
    for (const withNode of [false, true]) {
      expect(compatibleRuntimes(withNode).length).toBeLessThanOrEqual(15);
      expect(compatibleRuntimes(withNode).some((r) => r.startsWith('provided'))).toBe(false);
    }
  });
});
