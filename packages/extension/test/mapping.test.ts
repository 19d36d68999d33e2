import { describe, expect, it } from 'vitest';
import { mapEvent } from '../src/event-mapping/index.js';
import { buildRecord, maskValue, truncateBody } from '../src/record-builder.js';
import { mapResult, type ResultInput } from '../src/response-mapping.js';

const result = (over: Partial<ResultInput>): ResultInput => ({
  kind: 'response',
  body: Buffer.from(''),
  requestHeaders: {},
  trailers: {},
  eventKind: 'http',
  ...over,
});

describe('event mapping edge cases', () => {
  it('treats strings, numbers, null and broken JSON as direct invocations with the raw bytes', () => {
    for (const raw of ['"hello"', '42', 'null', '{not json', '', '[1,2]']) {
      const shape = mapEvent(raw, 'fn');
      expect(shape).toMatchObject({ kind: 'direct', path: '/fn', method: 'POST', body: raw });
    }
  });

  it('accepts an AppSync requestPayload given as an object, and merges parentTypeName/selectionSetGraphQL', () => {
    const shape = mapEvent(
      JSON.stringify({
        akto_data: {
          requestPayload: { operationName: 'listPosts', query: '', variables: {} },
          parentTypeName: 'Query',
          selectionSetGraphQL: '{ id }',
          requestHeaders: '{"host":"x.appsync-api.aws"}',
        },
      }),
      'fn',
    );
    expect(shape.kind).toBe('appsync');
    expect(shape.fieldName).toBe('listPosts');
    expect(shape.path).toBe('/graphql');
    expect(shape.method).toBe('POST');
    expect(shape.headers.host).toBe('x.appsync-api.aws');
    expect(JSON.parse(shape.body)).toEqual({
      operationName: 'listPosts',
      query: '',
      variables: {},
      parentTypeName: 'Query',
      selectionSetGraphQL: '{ id }',
    });
  });

  it('keeps an AppSync payload string byte for byte when nothing needs merging, and finds the field elsewhere', () => {
    const payload = '{"query":"","variables":{"big":9007199254740993}}';
    const shape = mapEvent(
      JSON.stringify({ info: { fieldName: 'getThing' }, akto_data: { requestPayload: payload } }),
      'fn',
    );
    expect(shape.body).toBe(payload);
    expect(shape.fieldName).toBe('getThing');
    expect(
      mapEvent(
        '{"akto_data":{"fieldName":"explicit","requestPayload":"{\\"operationName\\":\\"other\\"}"}}',
        'fn',
      ).fieldName,
    ).toBe('explicit');
  });

  it('builds the REST v1 query string from multi-value parameters, encoded', () => {
    const shape = mapEvent(
      JSON.stringify({
        httpMethod: 'get',
        path: '/s',
        requestContext: {},
        multiValueQueryStringParameters: { q: ['a b', 'c&d'], x: ['1'] },
        queryStringParameters: { q: 'c&d', x: '1' },
      }),
      'fn',
    );
    expect(shape.path).toBe('/s?q=a%20b&q=c%26d&x=1');
    expect(shape.method).toBe('GET');
  });

  it('keeps binary base64 bodies as base64 and decodes textual ones', () => {
    const binary = Buffer.from([0, 1, 2, 255, 254]).toString('base64');
    const ctx = { requestContext: { http: { method: 'POST', path: '/u' } } };
    expect(mapEvent(JSON.stringify({ ...ctx, body: binary, isBase64Encoded: true }), 'fn').body).toBe(binary);
    const text = Buffer.from('name=ada').toString('base64');
    expect(
      mapEvent(
        JSON.stringify({
          ...ctx,
          body: text,
          isBase64Encoded: true,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        'fn',
      ).body,
    ).toBe('name=ada');
  });
});

describe('response mapping', () => {
  it('reads a proxy result with base64 body, multi-value headers and cookies', () => {
    const body = JSON.stringify({
      statusCode: 404,
      headers: { 'Content-Type': 'text/plain' },
      multiValueHeaders: { Vary: ['a', 'b'] },
      cookies: ['a=1', 'b=2'],
      body: Buffer.from('not here').toString('base64'),
      isBase64Encoded: true,
    });
    expect(mapResult(result({ body: Buffer.from(body) }))).toEqual({
      statusCode: 404,
      headers: { 'Content-Type': 'text/plain', Vary: 'a, b', 'set-cookie': 'a=1, b=2' },
      body: 'not here',
    });
  });

  it('treats a plain object from an HTTP event as a 200 JSON body', () => {
    expect(mapResult(result({ body: Buffer.from('{"id":1}') }))).toMatchObject({
      statusCode: 200,
      body: '{"id":1}',
    });
  });

  it('splits a streamed function URL response into its prelude and body', () => {
    const prelude = Buffer.from('{"statusCode":207,"headers":{"x-a":"1"},"cookies":["c=1"]}');
    const streamed = Buffer.concat([prelude, Buffer.alloc(8), Buffer.from('chunk-0\nchunk-1\n')]);
    const shape = mapResult(
      result({
        body: streamed,
        requestHeaders: { 'content-type': 'application/vnd.awslambda.http-integration-response' },
      }),
    );
    expect(shape).toEqual({
      statusCode: 207,
      headers: { 'x-a': '1', 'set-cookie': 'c=1' },
      body: 'chunk-0\nchunk-1\n',
    });
  });

  it('turns streaming error trailers into a 500 with the decoded error body', () => {
    const shape = mapResult(
      result({
        body: Buffer.from('partial'),
        trailers: {
          'lambda-runtime-function-error-type': 'Runtime.Boom',
          'lambda-runtime-function-error-body': Buffer.from('{"errorMessage":"boom"}').toString('base64'),
        },
      }),
    );
    expect(shape).toMatchObject({ statusCode: 500, body: '{"errorMessage":"boom"}' });
    expect(shape.headers['lambda-runtime-function-error-type']).toBe('Runtime.Boom');
  });

  it('wraps AppSync results as the GraphQL response, null when empty', () => {
    expect(mapResult(result({ eventKind: 'appsync', fieldName: 'f', body: Buffer.from('') })).body).toBe(
      '{"data":{"f":null}}',
    );
  });
});

describe('records', () => {
  it('truncates on a character boundary with a marker naming the original size', () => {
    expect(truncateBody('ééé', 3)).toBe('é…[truncated by tapline: 6 bytes]');
    expect(truncateBody('short', 10)).toBe('short');
    expect(truncateBody('abc', 10, 5000)).toBe('abc…[truncated by tapline: 5000 bytes]');
  });

  it('masks values but keeps the scheme word', () => {
    expect(maskValue('Bearer abc.def')).toBe('Bearer ****');
    expect(maskValue('da2-abcdef')).toBe('****');
  });

  it('tags records with service=lambda and the function name, plus the AppSync source', () => {
    const request = mapEvent('{"akto_data":{"traffic_source":"AppSync","requestPayload":"{}"}}', 'fn');
    const record = buildRecord(
      request,
      { statusCode: 200, headers: {}, body: '' },
      { functionName: 'fn', maxBodyBytes: 100, maskHeaders: new Set(), time: 1 },
    );
    expect(record.tag).toEqual({ service: 'lambda', function: 'fn', source: 'AppSync' });
    expect(record).toMatchObject({
      accountId: '1000000',
      vxlanId: '0',
      isPending: false,
      source: 'MIRRORING',
      status: 'OK',
    });
  });
});
