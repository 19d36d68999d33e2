import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import {
  bodySchema,
  buildOpenApiDocument,
  InventoryEngine,
  openApiPath,
  schemaForTypes,
} from '../src/index.js';
import { logged, record } from './helpers/records.js';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUgRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

// biome-ignore lint/suspicious/noExplicitAny: assertions walk a free-form JSON document
type Doc = Record<string, any>;

function documentFor(records: Parameters<typeof record>[0][]): Doc {
  const engine = new InventoryEngine();
  engine.apply(logged(records.map((r) => record(r))));
  const c = engine.takeChanges();
  const collection = c.collections[0];
  if (!collection) throw new Error('no collection');
  return buildOpenApiDocument({
    collection,
    endpoints: c.endpoints,
    parameters: c.parameters,
    samples: c.samples.flatMap((s) => s.samples),
  });
}

async function validate(doc: Doc): Promise<void> {
  const result = await new Validator().validate(doc);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
}

describe('buildOpenApiDocument', () => {
  const doc = documentFor([
    {
      method: 'POST',
      path: '/users/42/orders?dryRun=true',
      requestHeaders: {
        host: 'api.example.com',
        authorization: `Bearer ${JWT}`,
        'content-type': 'application/json',
        'x-api-key': 'k',
        cookie: 'session_id=abc',
      },
      requestPayload: JSON.stringify({
        items: [{ sku: 'A-1', qty: 2 }],
        note: null,
        email: 'jane@example.com',
      }),
      statusCode: 201,
      responseHeaders: { 'content-type': 'application/json', 'x-request-id': 'r1' },
      responsePayload: JSON.stringify({ id: 7, total: 9.5 }),
    },
    { method: 'POST', path: '/users/43/orders', statusCode: 200, responsePayload: '{"id":8}' },
    {
      method: 'POST',
      path: '/graphql',
      requestPayload: JSON.stringify({
        query: 'query($id: ID!) { getPost(id: $id) { id title } }',
        variables: { id: '1' },
      }),
      responsePayload: JSON.stringify({ data: { getPost: { id: '1', title: 'T' } } }),
    },
  ]);

  it('is accepted by an OpenAPI 3.1 validator', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('api.example.com');
    expect(doc.servers).toEqual([{ url: 'https://api.example.com' }]);
    await validate(doc);
  });

  it('the validator does reject a broken document (the check is real)', async () => {
    const broken = structuredClone(doc);
    delete broken.info;
    broken.paths['/users/{INTEGER2}/orders'].post.responses = 'nope';
    const result = await new Validator().validate(broken);
    expect(result.valid).toBe(false);
  });

  it('turns template tokens into declared path parameters', () => {
    const op = doc.paths['/users/{INTEGER2}/orders']?.post;
    expect(op).toBeDefined();
    const pathParam = op.parameters.find((p: Doc) => p.in === 'path');
    expect(pathParam).toMatchObject({
      name: 'INTEGER2',
      required: true,
      schema: { type: 'integer', format: 'int32' },
    });
    expect(op.parameters.find((p: Doc) => p.in === 'query')).toMatchObject({
      name: 'dryRun',
      schema: { type: 'boolean' },
    });
    expect(op.parameters.find((p: Doc) => p.in === 'cookie')).toMatchObject({ name: 'session_id' });
    // Authorization and content-type are described by security and media types, not as parameters.
    expect(op.parameters.some((p: Doc) => p.name === 'authorization' || p.name === 'content-type')).toBe(
      false,
    );
  });

  it('rebuilds nested request and response schemas with masked examples', () => {
    const op = doc.paths['/users/{INTEGER2}/orders'].post;
    const media = op.requestBody.content['application/json'];
    expect(media.schema).toEqual({
      type: 'object',
      properties: {
        items: {
          type: 'array',
          items: {
            type: 'object',
            properties: { sku: { type: 'string' }, qty: { type: 'integer', format: 'int32' } },
          },
        },
        note: { type: 'null' },
        email: { type: 'string', format: 'email' },
      },
    });
    expect(media.example.email).toBe('****');
    expect(Object.keys(op.responses).sort()).toEqual(['200', '201']);
    expect(op.responses['201'].description).toBe('Created');
    expect(op.responses['201'].headers).toEqual({ 'x-request-id': { schema: { type: 'string' } } });
    expect(op.responses['201'].content['application/json'].example).toEqual({ id: 7, total: 9.5 });
  });

  it('describes security from the auth types', () => {
    const op = doc.paths['/users/{INTEGER2}/orders'].post;
    expect(doc.components.securitySchemes.bearerAuth).toEqual({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(op.security).toEqual(
      expect.arrayContaining([{ bearerAuth: [] }, { apiKey_x_api_key: [] }, { session_session_id: [] }]),
    );
  });

  it('GraphQL endpoints are POST operations with a query string body and inferred variables', () => {
    const op = doc.paths['/graphql/query/getPost'].post;
    const schema = op.requestBody.content['application/json'].schema;
    expect(schema.properties.query).toEqual({ type: 'string' });
    expect(schema.properties.variables).toEqual({ type: 'object', properties: { id: { type: 'string' } } });
    expect(schema['x-graphql-selection']).toEqual(['getPost.id', 'getPost.title']);
    expect(op['x-tapline'].graphql).toEqual({ operationType: 'query', field: 'getPost' });
  });
});

describe('schema building blocks', () => {
  it('openApiPath names parameters by token and position', () => {
    expect(openApiPath({ path: '/a/INTEGER/b/UUID' }).path).toBe('/a/{INTEGER2}/b/{UUID4}');
    // A whole `{name}` segment is a declared route parameter; other braces are percent-encoded.
    expect(openApiPath({ path: '/a/{id}' })).toEqual({ path: '/a/{id}', pathParams: ['id'] });
    expect(openApiPath({ path: '/a/we{ird}' }).path).toBe('/a/we%7Bird%7D');
    expect(
      openApiPath({ path: '/graphql/query/INTEGER', graphql: { operationType: 'query', field: 'INTEGER' } })
        .path,
    ).toBe('/graphql/query/INTEGER');
  });

  it('unions of types become 3.1 type arrays', () => {
    expect(schemaForTypes(['INTEGER_32', 'NULL'])).toEqual({ type: ['integer', 'null'] });
    expect(schemaForTypes(['EMAIL'])).toEqual({ type: 'string', format: 'email' });
    expect(schemaForTypes(['TRUE', 'FALSE'])).toEqual({ type: 'boolean' });
  });

  it('bodySchema handles top-level arrays and mixed leaf/object values', () => {
    expect(bodySchema([{ name: '$#id', types: ['INTEGER_32'] }])).toEqual({
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'integer', format: 'int32' } } },
    });
    expect(
      bodySchema([
        { name: 'a', types: ['NULL'] },
        { name: 'a#b', types: ['GENERIC'] },
      ]),
    ).toEqual({
      type: 'object',
      properties: {
        a: { anyOf: [{ type: 'object', properties: { b: { type: 'string' } } }, { type: 'null' }] },
      },
    });
  });

  it('a collection without host and with odd endpoints still validates', async () => {
    const doc = documentFor([
      { requestHeaders: {}, path: '/', method: 'GET' },
      { requestHeaders: {}, path: '/x', method: 'BREW' },
      {
        requestHeaders: {},
        path: '/items/5f8d0d55b54764421b7156c9',
        method: 'DELETE',
        statusCode: 204,
        responsePayload: '',
      },
      {
        requestHeaders: {},
        path: '/text',
        responsePayload: 'plain text',
        responseHeaders: { 'content-type': 'text/plain' },
      },
    ]);
    expect(doc.servers).toEqual([{ url: '/' }]);
    expect(Object.keys(doc.paths).sort()).toEqual(['/', '/items/{OBJECT_ID2}', '/text']);
    await validate(doc);
  });
});
