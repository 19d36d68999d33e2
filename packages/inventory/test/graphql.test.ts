import { describe, expect, it } from 'vitest';
import { type InventoryChanges, InventoryEngine, parseGraphqlOperations } from '../src/index.js';
import { logged, record } from './helpers/records.js';

function run(...records: Parameters<typeof record>[0][]): InventoryChanges {
  const engine = new InventoryEngine();
  engine.apply(logged(records.map((r) => record({ method: 'POST', path: '/graphql', ...r }))));
  return engine.takeChanges();
}

function paramNames(changes: InventoryChanges, path: string, location: 'request' | 'response'): string[] {
  const ep = changes.endpoints.find((e) => e.path === path);
  if (!ep) throw new Error(`no endpoint ${path}`);
  return changes.parameters
    .filter((p) => p.endpointId === ep.id && p.location === location && p.in === 'body')
    .map((p) => p.name)
    .sort();
}

describe('parseGraphqlOperations', () => {
  it('one field per top-level selection, aliases resolved, fragments expanded', () => {
    const items = parseGraphqlOperations({
      query: `query Q($id: ID!) { p: getPost(id: $id) { ...PostFields author { email } } listPosts(limit: 5) { id } }
              fragment PostFields on Post { id title }`,
      variables: { id: '1' },
    });
    expect(items).toHaveLength(1);
    const fields = items?.[0]?.fields ?? [];
    expect(fields.map((f) => [f.operationType, f.field, f.responseKey])).toEqual([
      ['query', 'getPost', 'p'],
      ['query', 'listPosts', 'listPosts'],
    ]);
    expect(fields[0]?.selections).toEqual(['id', 'title', 'author', 'author#email']);
    expect(fields[0]?.variableNames).toEqual(['id']);
    expect(fields[1]?.literalArguments).toEqual({ limit: 5 });
  });

  it('root fragments and inline fragments yield their fields', () => {
    const items = parseGraphqlOperations({
      query: '{ ...Root ... on Query { b } } fragment Root on Query { a }',
    });
    expect(items?.[0]?.fields.map((f) => f.field)).toEqual(['a', 'b']);
  });

  it('mutations and subscriptions', () => {
    expect(
      parseGraphqlOperations({ query: 'mutation { createPost(title: "x") { id } }' })?.[0]?.fields[0],
    ).toMatchObject({
      operationType: 'mutation',
      field: 'createPost',
    });
    expect(
      parseGraphqlOperations({ query: 'subscription { onPost { id } }' })?.[0]?.fields[0]?.operationType,
    ).toBe('subscription');
  });

  it('picks the named operation of a multi-operation document', () => {
    const items = parseGraphqlOperations({ query: 'query A { a } query B { b }', operationName: 'B' });
    expect(items?.[0]?.fields.map((f) => f.field)).toEqual(['b']);
  });

  it('batched arrays', () => {
    const items = parseGraphqlOperations([{ query: '{ a }' }, { query: 'mutation { b }' }]);
    expect(items?.map((i) => [i.index, i.fields[0]?.field])).toEqual([
      [0, 'a'],
      [1, 'b'],
    ]);
  });

  it('AppSync records: field from operationName, type from parentTypeName', () => {
    const [withType] =
      parseGraphqlOperations({
        operationName: 'getPost',
        query: '',
        parentTypeName: 'Query',
        selectionSetGraphQL: '{ id title author { email } }',
        variables: { id: '1' },
      }) ?? [];
    expect(withType?.appSync).toBe(true);
    expect(withType?.fields[0]).toMatchObject({
      operationType: 'query',
      field: 'getPost',
      selections: ['id', 'title', 'author', 'author#email'],
    });
    const [without] = parseGraphqlOperations({ operationName: 'getPost', query: '' }) ?? [];
    expect(without?.fields[0]?.operationType).toBeNull();
  });

  it('not GraphQL: null', () => {
    expect(parseGraphqlOperations({ hello: 1 })).toBeNull();
    expect(parseGraphqlOperations({ query: '{ broken' })).toBeNull();
    expect(parseGraphqlOperations([])).toBeNull();
  });
});

describe('GraphQL endpoints in the engine', () => {
  it('a query document: one endpoint per top-level field, variables/selections/response attached', () => {
    const changes = run({
      requestPayload: JSON.stringify({
        query: 'query Q($id: ID!) { p: getPost(id: $id) { id author { email } } listPosts { id } }',
        variables: { id: 'abc' },
        operationName: 'Q',
      }),
      responsePayload: JSON.stringify({
        data: { p: { id: 'abc', author: { email: 'a@b.co' } }, listPosts: [{ id: 1 }] },
      }),
    });
    expect(changes.endpoints.map((e) => `${e.method} ${e.path}`).sort()).toEqual([
      'POST /graphql/query/getPost',
      'POST /graphql/query/listPosts',
    ]);
    expect(changes.endpoints.find((e) => e.path === '/graphql/query/getPost')?.graphql).toEqual({
      operationType: 'query',
      field: 'getPost',
    });
    expect(paramNames(changes, '/graphql/query/getPost', 'request')).toEqual([
      'operationName',
      'query#getPost#author',
      'query#getPost#author#email',
      'query#getPost#id',
      'variables#id',
    ]);
    expect(paramNames(changes, '/graphql/query/getPost', 'response')).toEqual([
      'data#getPost#author#email',
      'data#getPost#id',
    ]);
    expect(paramNames(changes, '/graphql/query/listPosts', 'response')).toEqual(['data#listPosts#$#id']);
    const email = changes.parameters.find((p) => p.name === 'data#getPost#author#email');
    expect(email?.sensitive).toEqual(['EMAIL']);
  });

  it('a mutation', () => {
    const changes = run({
      requestPayload: JSON.stringify({ query: 'mutation { createPost(input: {title: "x"}) { id } }' }),
      responsePayload: JSON.stringify({ data: { createPost: { id: '1' } } }),
    });
    expect(changes.endpoints.map((e) => e.path)).toEqual(['/graphql/mutation/createPost']);
    expect(paramNames(changes, '/graphql/mutation/createPost', 'request')).toContain('arguments#input#title');
  });

  it('a batched array: each element counted, responses aligned by index', () => {
    const changes = run({
      requestPayload: JSON.stringify([{ query: '{ a { x } }' }, { query: '{ b { y } }' }]),
      responsePayload: JSON.stringify([{ data: { a: { x: 1 } } }, { data: { b: { y: 2 } } }]),
    });
    expect(changes.endpoints.map((e) => [e.path, e.calls]).sort()).toEqual([
      ['/graphql/query/a', 1],
      ['/graphql/query/b', 1],
    ]);
    expect(paramNames(changes, '/graphql/query/b', 'response')).toEqual(['data#b#y']);
  });

  it('two records with the same field count twice on one endpoint', () => {
    const body = JSON.stringify({ query: '{ getPost { id } }' });
    const changes = run({ requestPayload: body }, { requestPayload: body });
    expect(changes.endpoints.map((e) => e.calls)).toEqual([2]);
  });

  it('AppSync without parentTypeName → POST /graphql/<field>; with → POST /graphql/<type>/<field>', () => {
    const appSync = (extra: Record<string, unknown>) => ({
      requestHeaders: { host: 'xyz789.appsync-api.us-east-1.amazonaws.com' },
      tag: { service: 'lambda', function: 'resolver', source: 'AppSync' },
      requestPayload: JSON.stringify({
        operationName: 'getPost',
        query: '',
        variables: { id: '7' },
        ...extra,
      }),
      responsePayload: JSON.stringify({ data: { getPost: { id: '7', title: 't' } } }),
    });
    const changes = run(
      appSync({}),
      appSync({ parentTypeName: 'Query', selectionSetGraphQL: '{ id title }' }),
      appSync({ parentTypeName: 'Mutation' }),
    );
    expect(changes.endpoints.map((e) => `${e.method} ${e.path}`).sort()).toEqual([
      'POST /graphql/getPost',
      'POST /graphql/mutation/getPost',
      'POST /graphql/query/getPost',
    ]);
    expect(paramNames(changes, '/graphql/query/getPost', 'request')).toEqual([
      'query#getPost#id',
      'query#getPost#title',
      'variables#id',
    ]);
    expect(paramNames(changes, '/graphql/getPost', 'response')).toEqual([
      'data#getPost#id',
      'data#getPost#title',
    ]);
  });

  it('AppSync fields of a non-root type → POST /graphql/<Type>/<field>, whether the path names them or not', () => {
    const author = (path: string) => ({
      path,
      tag: { service: 'lambda', source: 'AppSync' },
      requestPayload: JSON.stringify({
        operationName: 'author',
        query: '',
        variables: {},
        parentTypeName: 'Post',
        selectionSetGraphQL: '{ name }',
      }),
      responsePayload: JSON.stringify({ data: { author: { name: 'Ada' } } }),
    });
    // The extension writes direct resolvers' records to /graphql/Post/author; templates write /graphql.
    const changes = run(author('/graphql/Post/author'), author('/graphql'));
    expect(changes.endpoints.map((e) => [e.path, e.calls, e.graphql])).toEqual([
      ['/graphql/Post/author', 2, { operationType: null, field: 'author' }],
    ]);
    expect(paramNames(changes, '/graphql/Post/author', 'response')).toEqual(['data#author#name']);
  });

  it('an AppSync resolver result that is not wrapped in data still lands under data#<field>', () => {
    const changes = run({
      tag: { source: 'AppSync' },
      requestPayload: JSON.stringify({ operationName: 'getPost', query: '' }),
      responsePayload: JSON.stringify({ id: '7' }),
    });
    expect(paramNames(changes, '/graphql/getPost', 'response')).toEqual(['data#getPost#id']);
  });

  it('a /graphql path without a GraphQL body is a plain endpoint', () => {
    const changes = run({ requestPayload: '{"hello":1}' });
    expect(changes.endpoints.map((e) => e.path)).toEqual(['/graphql']);
  });
});
