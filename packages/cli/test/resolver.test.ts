import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { mapEvent } from '@tapline/extension';
import { type FieldNode, type OperationDefinitionNode, parse, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderResolver } from '../src/commands/resolver.js';
import type { CliError } from '../src/errors.js';
import { VtlRenderError, VtlTemplate } from '../src/resolver-templates/render-vtl.js';
import { requestTemplate, responseTemplate } from '../src/resolver-templates/templates.js';

const HEADERS = {
  host: 'abc123.appsync-api.us-east-1.amazonaws.com',
  'content-type': 'application/json',
  'x-api-key': 'da2-examplekey',
  'x-forwarded-for': '203.0.113.9, 10.0.0.1',
  'user-agent': 'Mozilla/5.0',
};

/** One top-level field of a GraphQL request, as AppSync resolves it. */
function fieldOf(query: string, variables: Record<string, unknown>, index = 0) {
  const doc = parse(query);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  const fragments = Object.fromEntries(
    doc.definitions.flatMap((d) => (d.kind === 'FragmentDefinition' ? [[d.name.value, d]] : [])),
  );
  const node = op.selectionSet.selections[index] as FieldNode;
  const args: Record<string, unknown> = {};
  for (const arg of node.arguments ?? []) {
    args[arg.name.value] =
      arg.value.kind === 'Variable' ? variables[arg.value.name.value] : JSON.parse(print(arg.value));
  }
  const parentTypeName =
    op.operation === 'query' ? 'Query' : op.operation === 'mutation' ? 'Mutation' : 'Subscription';
  return { node, args, fragments, parentTypeName, variables };
}

const GET_POST = fieldOf(
  'query GetPost($id: ID!) { getPost(id: $id) { id title author { name email } ...Meta } } fragment Meta on Post { createdAt }',
  { id: '42' },
);
const CREATE_POST = fieldOf(
  'mutation Create($input: PostInput!) { createPost(input: $input) { id title } }',
  {
    input: {
      title: 'Ada\'s "first" post — ünïcödé\n<b>&</b>',
      email: 'ada@example.com',
      card: '4111 1111 1111 1111',
    },
  },
);

/** The VTL example of Akto's guide "Connect Akto with AWS AppSync using Lambda Data Source", verbatim. */
const AKTO_VTL =
  '{\n  "version": "2018-05-29",\n  "operation": "Invoke",\n  "payload": {\n\t...\n\t<YOUR_DEFAULT_PAYLOAD>\n \t...\n    "akto_data": {\n\t\t"path": "/graphql",\n\t\t"requestHeaders": $util.toJson($context.request.headers),\n\t\t"method": "$util.defaultIfNull($context.request.headers[\'x-forwarded-method\'], \'POST\')",\n\t\t"requestPayload": "$util.escapeJavaScript($util.toJson({\n\t\t\toperationName: $context.info.fieldName,\n\t\t\tquery: "",\n\t\t\tvariables: $context.arguments\n\t\t}))",\n\t\t"ip": "$util.defaultIfNull($context.request.headers[\'x-forwarded-for\'], \'\')",\n\t\t"traffic_source": "AppSync"\n\t}\n  }\n}\n\n';

function renderVtl(template: string, f: typeof GET_POST, headers: Record<string, string> = HEADERS) {
  return new VtlTemplate(template).render({
    arguments: f.args,
    headers,
    info: {
      fieldName: f.node.name.value,
      parentTypeName: f.parentTypeName,
      fieldNodes: [f.node],
      variableValues: f.variables,
      fragments: f.fragments,
    },
  }) as {
    version: string;
    operation: string;
    payload: Record<string, unknown> & { akto_data: Record<string, unknown> };
  };
}

describe('VTL request template (rendered by the Velocity engine, amplify-velocity-template)', () => {
  it('renders a valid Invoke request whose akto_data the extension maps to the GraphQL operation', () => {
    const out = renderVtl(requestTemplate('vtl'), GET_POST);
    expect(out.version).toBe('2018-05-29');
    expect(out.operation).toBe('Invoke');
    expect(out.payload.field).toBe('getPost');
    expect(out.payload.arguments).toEqual({ id: '42' });
    const akto = out.payload.akto_data;
    expect(akto).toMatchObject({
      path: '/graphql',
      method: 'POST',
      ip: '203.0.113.9',
      traffic_source: 'AppSync',
      fieldName: 'getPost',
      parentTypeName: 'Query',
      requestHeaders: HEADERS,
    });
    expect(typeof akto.requestPayload).toBe('string');
    const payload = JSON.parse(akto.requestPayload as string);
    expect(payload).toEqual({
      operationName: 'getPost',
      query: '',
      variables: { id: '42' },
      parentTypeName: 'Query',
      selectionSetGraphQL: akto.selectionSetGraphQL,
    });
    expect(payload.selectionSetGraphQL).toContain('author {');
    expect(payload.selectionSetGraphQL).toContain('...Meta');

    const shape = mapEvent(JSON.stringify(out.payload), 'posts');
    expect(shape).toMatchObject({
      kind: 'appsync',
      path: '/graphql',
      method: 'POST',
      ip: '203.0.113.9',
      fieldName: 'getPost',
    });
    expect(shape.tags).toEqual({ source: 'AppSync' });
    expect(JSON.parse(shape.body)).toEqual(payload);
  });

  it('keeps quotes, apostrophes, newlines, markup and unicode in mutation variables intact', () => {
    const out = renderVtl(requestTemplate('vtl'), CREATE_POST);
    const payload = JSON.parse(out.payload.akto_data.requestPayload as string);
    expect(payload.parentTypeName).toBe('Mutation');
    expect(payload.variables).toEqual(CREATE_POST.args);
    expect(out.payload.arguments).toEqual(CREATE_POST.args);
    expect(JSON.parse(mapEvent(JSON.stringify(out.payload), 'posts').body).variables.input.title).toBe(
      'Ada\'s "first" post — ünïcödé\n<b>&</b>',
    );
  });

  it('copes with no headers at all (no ip, POST)', () => {
    const out = renderVtl(requestTemplate('vtl'), GET_POST, {});
    expect(out.payload.akto_data).toMatchObject({ ip: '', method: 'POST', requestHeaders: {} });
  });

  it('--field fixes the field the function dispatches on', () => {
    const out = renderVtl(requestTemplate('vtl', 'getPost'), CREATE_POST);
    expect(out.payload.field).toBe('getPost');
    expect(out.payload.akto_data.fieldName).toBe('createPost');
  });

  it('the response template returns the result and turns function errors into GraphQL errors', () => {
    const template = new VtlTemplate(responseTemplate());
    const info = {
      fieldName: 'getPost',
      parentTypeName: 'Query',
      fieldNodes: [GET_POST.node],
      variableValues: {},
    };
    expect(template.render({ arguments: {}, headers: {}, info, result: { id: '1' } })).toEqual({ id: '1' });
    expect(() =>
      template.render({
        arguments: {},
        headers: {},
        info,
        result: null,
        error: { message: 'boom', type: 'Lambda:Unhandled' },
      }),
    ).toThrow(VtlRenderError);
  });
});

describe("the VTL example of Akto's AppSync guide", () => {
  it('does not parse: unquoted keys in the multi-line map literal are not VTL', () => {
    const withoutPlaceholders = AKTO_VTL.replace(/^\s*\.\.\.\s*$/gm, '').replace(
      /^\s*<YOUR_DEFAULT_PAYLOAD>\s*$/m,
      '',
    );
    for (const t of [AKTO_VTL, withoutPlaceholders]) expect(() => new VtlTemplate(t)).toThrow(/Parse error/);
  });

  it('with its keys quoted, "$util.escapeJavaScript(...)" emits \\\' and the mapping is not JSON', () => {
    const quoted = AKTO_VTL.replace(/^\s*\.\.\.\s*$/gm, '')
      .replace(/^\s*<YOUR_DEFAULT_PAYLOAD>\s*$/m, '')
      .replace(/(operationName|query|variables):/g, '"$1":');
    expect(() => renderVtl(quoted, CREATE_POST)).toThrow();
    // Without an apostrophe it renders, but the payload is a string and carries no parentTypeName.
    const plain = renderVtl(quoted, GET_POST);
    const payload = JSON.parse(plain.payload.akto_data.requestPayload as string);
    expect(payload).toEqual({ operationName: 'getPost', query: '', variables: { id: '42' } });
    expect(plain.payload.akto_data.ip).toBe('203.0.113.9, 10.0.0.1');
    expect(plain.payload.arguments).toBeUndefined();
  });
});

describe('JS resolver template (APPSYNC_JS)', () => {
  let dir: string;
  interface JsRequest {
    operation: string;
    payload: Record<string, unknown> & { akto_data: Record<string, unknown> };
  }
  let mod: { request(ctx: unknown): JsRequest; response(ctx: unknown): unknown };
  beforeAll(async () => {
    // The template imports @aws-appsync/utils, which only exists inside AppSync: give it a faithful stand-in.
    dir = await mkdtemp(path.join(tmpdir(), 'tapline-js-resolver-'));
    const utilsDir = path.join(dir, 'node_modules', '@aws-appsync', 'utils');
    await mkdir(utilsDir, { recursive: true });
    await writeFile(
      path.join(utilsDir, 'package.json'),
      '{"name":"@aws-appsync/utils","type":"module","main":"index.js"}',
    );
    await writeFile(
      path.join(utilsDir, 'index.js'),
      'export const util = { error(message, type) { const e = new Error(message); e.type = type; throw e; } };\n',
    );
    const file = path.join(dir, 'akto-data.mjs');
    await writeFile(file, requestTemplate('js'));
    mod = await import(/* @vite-ignore */ pathToFileURL(file).href);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function appsyncCtx(f: typeof GET_POST, headers: Record<string, string> = HEADERS) {
    const selectionSetGraphQL = print(f.node.selectionSet!);
    return {
      arguments: f.args,
      args: f.args,
      identity: null,
      source: null,
      stash: {},
      prev: { result: {} },
      request: { headers, domainName: null },
      info: {
        fieldName: f.node.name.value,
        parentTypeName: f.parentTypeName,
        variables: f.variables,
        selectionSetList: ['id', 'title'],
        selectionSetGraphQL,
      },
    };
  }

  it('request(ctx) builds the same akto_data as the VTL template', () => {
    for (const f of [GET_POST, CREATE_POST]) {
      const js = mod.request(appsyncCtx(f));
      const vtl = renderVtl(requestTemplate('vtl'), f);
      expect(js.operation).toBe('Invoke');
      expect(js.payload.akto_data).toEqual(vtl.payload.akto_data);
      expect(js.payload.arguments).toEqual(vtl.payload.arguments);
      const shape = mapEvent(JSON.stringify(js.payload), 'posts');
      expect(JSON.parse(shape.body).parentTypeName).toBe(f.parentTypeName);
    }
  });

  it('request(ctx) copes with no headers; response(ctx) surfaces errors', () => {
    const js = mod.request({ ...appsyncCtx(GET_POST), request: {} });
    expect(js.payload.akto_data).toMatchObject({ ip: '', method: 'POST', requestHeaders: {} });
    expect(mod.response({ result: { id: '1' } })).toEqual({ id: '1' });
    expect(() => mod.response({ error: { message: 'boom', type: 'Lambda:Unhandled' } })).toThrow('boom');
  });

  it('uses only APPSYNC_JS-supported syntax (no try/catch/throw/while/for(;;)/++)', async () => {
    const source = requestTemplate('js');
    expect(source).not.toMatch(/\b(try|catch|throw|while|finally|continue)\b|\+\+|--|for\s*\([^)]*;/);
    expect(source).not.toMatch(/ in /);
  });
});

describe('tapline resolver', () => {
  it('prints the templates; --field must be a GraphQL name', () => {
    expect(renderResolver('vtl')).toContain('"akto_data"');
    expect(renderResolver('js')).toContain('export function request(ctx)');
    expect(renderResolver('js', { field: 'getPost' })).toContain('field: "getPost"');
    expect(renderResolver('vtl', { response: true })).toContain('$util.error');
    expect(() => renderResolver('vtl', { field: 'bad name"' })).toThrow(/not a GraphQL field name/);
    expect(
      ((): unknown => {
        try {
          return renderResolver('js', { response: true });
        } catch (e) {
          return (e as CliError).exitCode;
        }
      })(),
    ).toBe(2);
  });
});
