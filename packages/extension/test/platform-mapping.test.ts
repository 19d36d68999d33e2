import { describe, expect, it } from 'vitest';
import { mapEvent } from '../src/event-mapping/index.js';
import { claimsOf, httpApiAuth, restApiAuth } from '../src/event-mapping/platform-auth.js';

const direct = {
  arguments: { id: '1' },
  identity: null,
  source: null,
  request: { headers: { host: 'h.appsync-api.aws', 'x-forwarded-for': '192.0.2.1, 10.0.0.1' } },
  info: { fieldName: 'getPost', parentTypeName: 'Query', variables: {}, selectionSetList: [] },
  prev: null,
  stash: {},
};

describe('platform auth from event contexts', () => {
  it('REST Lambda authorizer: principalId and its context, without credentials or bookkeeping', () => {
    expect(
      restApiAuth({
        authorizer: {
          principalId: 'user|9',
          integrationLatency: 31,
          tenant: 'acme',
          accessToken: 'tok',
          n: 2,
        },
        identity: { sourceIp: '1.2.3.4', userArn: null, caller: null, apiKeyId: null, apiKey: null },
      }),
    ).toEqual([{ type: 'LAMBDA_AUTHORIZER', principal: 'user|9', claims: { tenant: 'acme', n: '2' } }]);
  });

  it('REST without any authorizer or caller says nothing', () => {
    expect(restApiAuth({ identity: { sourceIp: '1.2.3.4', userArn: null, caller: null } })).toBeUndefined();
  });

  it('HTTP API IAM authorizer (also function URLs with AWS_IAM): user ARN and account, never the access key', () => {
    const auth = httpApiAuth({
      authorizer: {
        iam: {
          accessKey: 'AKIAEXAMPLE',
          accountId: '111122223333',
          callerId: 'AIDAEXAMPLE',
          cognitoIdentity: null,
          principalOrgId: null,
          userArn: 'arn:aws:iam::111122223333:user/ci',
          userId: 'AIDAEXAMPLE',
        },
      },
    });
    expect(auth).toEqual([
      { type: 'IAM', principal: 'arn:aws:iam::111122223333:user/ci', accountId: '111122223333' },
    ]);
  });

  it('a JWT from a Cognito user pool is COGNITO, from another issuer OIDC', () => {
    const jwt = (iss: string) =>
      httpApiAuth({ authorizer: { jwt: { claims: { sub: 's', iss }, scopes: null } } });
    expect(jwt('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X')?.[0]?.type).toBe('COGNITO');
    expect(jwt('https://issuer.example.com/')?.[0]?.type).toBe('OIDC');
  });

  it('bounds claims: credential-named ones dropped, long values cut, objects as JSON', () => {
    const claims = claimsOf({
      client_secret: 'x',
      id_token: 'y',
      token_use: 'id',
      password: 'p',
      groups: ['a', 'b'],
      long: 'z'.repeat(2000),
    });
    expect(claims).toEqual({ token_use: 'id', groups: '["a","b"]', long: 'z'.repeat(512) });
  });
});

describe('AppSync direct resolver recognition', () => {
  it('maps the client request like the template path: first forwarded address, root field at /graphql', () => {
    const shape = mapEvent(JSON.stringify(direct), 'fn');
    expect(shape).toMatchObject({
      kind: 'appsync',
      direct: true,
      path: '/graphql',
      method: 'POST',
      ip: '192.0.2.1',
    });
    expect(shape.fieldName).toBe('getPost');
    expect(JSON.parse(shape.body)).toEqual({
      operationName: 'getPost',
      query: '',
      variables: { id: '1' },
      parentTypeName: 'Query',
    });
    expect(shape.platform?.platformAuth).toEqual([{ type: 'API_KEY' }]);
  });

  it('lets an akto_data template win when the event has both', () => {
    const shape = mapEvent(
      JSON.stringify({ ...direct, akto_data: { path: '/graphql', requestPayload: '{"operationName":"x"}' } }),
      'fn',
    );
    expect(shape.direct).toBeUndefined();
    expect(shape.body).toBe('{"operationName":"x"}');
  });

  it('keeps arrays that are not BatchInvokes, and events without arguments, as direct invocations', () => {
    const mixed = JSON.stringify([direct, { parentTypeName: 'Query' }]);
    expect(mapEvent(mixed, 'fn')).toMatchObject({ kind: 'direct', path: '/fn', body: mixed });
    const { arguments: _omitted, ...noArguments } = direct;
    expect(mapEvent(JSON.stringify(noArguments), 'fn').kind).toBe('direct');
  });
});
