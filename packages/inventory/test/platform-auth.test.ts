import type { PlatformAuth } from '@tapline/contracts';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../src/index.js';
import { platformAuthTypes } from '../src/platform-auth-types.js';
import { applyRecords } from './helpers/records.js';

// biome-ignore lint/suspicious/noExplicitAny: assertions walk a free-form JSON document
type Doc = Record<string, any>;

const COGNITO: PlatformAuth = {
  type: 'COGNITO',
  principal: '4a8e0f2c-sub-of-ann',
  issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool',
  claims: { email: 'ann@example.com' },
};

describe('platformAuthTypes', () => {
  it('maps each mechanism once and skips entries of another shape', () => {
    expect(
      platformAuthTypes([
        COGNITO,
        { type: 'API_KEY', principal: 'key-id' },
        { type: 'COGNITO' },
        { type: 'NOPE' } as unknown as PlatformAuth,
        null as unknown as PlatformAuth,
      ]),
    ).toEqual(['COGNITO', 'API_KEY']);
    expect(platformAuthTypes(undefined)).toEqual([]);
  });
});

describe('platform auth in the inventory', () => {
  it.each([
    ['IAM', ['IAM']],
    ['COGNITO', ['COGNITO']],
    ['OIDC', ['OIDC']],
    ['LAMBDA_AUTHORIZER', ['LAMBDA_AUTHORIZER']],
    ['API_KEY', ['API_KEY']],
  ] as const)('%s replaces UNAUTHENTICATED', (type, expected) => {
    const { changes } = applyRecords([{ platformAuth: [{ type }] }]);
    expect(changes.endpoints[0]?.authTypes).toEqual(expected);
  });

  it('an endpoint first seen without auth loses UNAUTHENTICATED once the platform shows a mechanism', () => {
    const { changes } = applyRecords([{}, { platformAuth: [{ type: 'IAM' }] }]);
    expect(changes.endpoints[0]?.authTypes).toEqual(['IAM']);
  });

  it('platform types sit beside the header-detected ones', () => {
    const { changes } = applyRecords([
      {
        requestHeaders: { host: 'api.example.com', authorization: 'Bearer abcdefgh12345' },
        platformAuth: [COGNITO],
      },
      { platformAuth: [{ type: 'API_KEY', principal: 'key-id' }] },
    ]);
    expect(changes.endpoints[0]?.authTypes).toEqual(['BEARER', 'API_KEY', 'COGNITO']);
  });

  it('principals, issuers and claims are not stored anywhere in the inventory', () => {
    const { engine } = applyRecords([{ platformAuth: [COGNITO] }]);
    const stored = JSON.stringify(engine.snapshot());
    expect(stored).not.toContain('4a8e0f2c-sub-of-ann');
    expect(stored).not.toContain('ann@example.com');
    expect(stored).not.toContain('eu-west-1_Pool');
  });

  it('OpenAPI gets a security scheme for each platform type', () => {
    const { changes } = applyRecords([
      {
        path: '/a',
        platformAuth: [{ type: 'IAM' }, COGNITO, { type: 'OIDC' }, { type: 'LAMBDA_AUTHORIZER' }],
      },
    ]);
    const collection = changes.collections[0];
    if (!collection) throw new Error('no collection');
    const doc = buildOpenApiDocument({
      collection,
      endpoints: changes.endpoints,
      parameters: changes.parameters,
      samples: changes.samples.flatMap((s) => s.samples),
    }) as Doc;
    expect(doc.components.securitySchemes).toEqual({
      awsSigv4: {
        type: 'apiKey',
        in: 'header',
        name: 'Authorization',
        'x-amazon-apigateway-authtype': 'awsSigv4',
      },
      cognito: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        'x-amazon-apigateway-authtype': 'cognito_user_pools',
      },
      oidc: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      lambdaAuthorizer: {
        type: 'apiKey',
        in: 'header',
        name: 'Authorization',
        'x-amazon-apigateway-authtype': 'custom',
      },
    });
    expect(doc.paths['/a'].get.security).toEqual([
      { awsSigv4: [] },
      { cognito: [] },
      { oidc: [] },
      { lambdaAuthorizer: [] },
    ]);
  });
});
