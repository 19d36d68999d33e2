import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createAppSyncUtil, TemplateSentError } from '../src/resolver-templates/appsync-util.js';
import { VtlRenderError, VtlTemplate } from '../src/resolver-templates/render-vtl.js';
import { appSyncInfo } from '../src/resolver-templates/resolve-info.js';

describe('$util (the AppSync subset Tapline templates use)', () => {
  const util = createAppSyncUtil();

  it('null and blank defaults follow AppSync: blank is empty or whitespace only', () => {
    expect(util.defaultIfNull(null, 'x')).toBe('x');
    expect(util.defaultIfNull(undefined)).toBe('');
    expect(util.defaultIfNull('', 'x')).toBe('');
    expect(util.defaultIfNullOrBlank('  ', 'x')).toBe('x');
    expect(util.defaultIfNullOrBlank('a', 'x')).toBe('a');
    expect(util.defaultIfNullOrEmpty([], 'x')).toBe('x');
    expect(util.defaultIfNullOrEmpty({ a: 1 }, 'x')).toEqual({ a: 1 });
    expect(util.isNullOrBlank(' \t')).toBe(true);
    expect(util.isNullOrEmpty(0)).toBe(false);
  });

  it('toJson writes null for undefined; escapeJavaScript escapes quotes, backslashes and line breaks', () => {
    expect(util.toJson(undefined)).toBe('null');
    expect(util.toJson({ a: [1, 'b'] })).toBe('{"a":[1,"b"]}');
    expect(util.escapeJavaScript(`it's "x"\\\n\u2028`)).toBe(`it\\'s \\"x\\"\\\\\\n\\u2028`);
  });

  it('error throws and records a TemplateSentError; appendError only records', () => {
    const own = createAppSyncUtil();
    expect(own.appendError('soft', 'Soft')).toBe('');
    expect(() => own.error('boom', 'Lambda:Unhandled')).toThrow(TemplateSentError);
    expect(own.errors.map((e) => [e.message, e.errorType])).toEqual([
      ['soft', 'Soft'],
      ['boom', 'Lambda:Unhandled'],
    ]);
  });
});

describe('$ctx.info', () => {
  it('lists the selection set with nested paths and flattened fragments, and prints it', () => {
    const doc = parse('query { getPost { id author { name } ...Meta } } fragment Meta on Post { createdAt }');
    const op = doc.definitions[0];
    if (op?.kind !== 'OperationDefinition') throw new Error('no operation');
    const field = op.selectionSet.selections[0];
    if (field?.kind !== 'Field') throw new Error('no field');
    const fragment = doc.definitions[1];
    if (fragment?.kind !== 'FragmentDefinition') throw new Error('no fragment');
    const info = appSyncInfo({
      fieldName: 'getPost',
      parentTypeName: 'Query',
      fieldNodes: [field],
      variableValues: { id: '1' },
      fragments: { Meta: fragment },
    });
    expect(info.selectionSetList).toEqual(['id', 'author', 'author/name', 'createdAt']);
    expect(info.selectionSetGraphQL).toBe('{\n  id\n  author {\n    name\n  }\n  ...Meta\n}');
    expect(info.variables).toEqual({ id: '1' });
  });
});

describe('VtlTemplate', () => {
  const info = { fieldName: 'f', parentTypeName: 'Query', fieldNodes: [], variableValues: {} };

  it('supports Java-style map calls on context values and literals', () => {
    const t = new VtlTemplate(
      '#set($m = {})$util.qr($m.put("ip", $ctx.request.headers.get("x-forwarded-for").split(",")[0].trim()))\n' +
        '{"ip": $util.toJson($m.get("ip")), "n": $m.size(), "src": $util.toJson($ctx.source)}',
    );
    expect(
      t.render({ arguments: {}, headers: { 'x-forwarded-for': ' 198.51.100.1 , 10.0.0.1' }, info }),
    ).toEqual({
      ip: '198.51.100.1',
      n: 1,
      src: null,
    });
  });

  it('names the template and the line of a parse error, and refuses output that is not JSON', () => {
    expect(() => new VtlTemplate('#if(', 'x.vtl')).toThrow(/^Parse error on x\.vtl:\d+:/);
    expect(() => new VtlTemplate('not json').render({ arguments: {}, headers: {}, info })).toThrow(
      VtlRenderError,
    );
  });

  it('calling a $util function Tapline does not provide fails the render (Velocity would print it verbatim)', () => {
    const t = new VtlTemplate('{"id": "$util.autoId()"}');
    expect(() => t.render({ arguments: {}, headers: {}, info })).toThrow(/\$util\.autoId is not supported/);
  });
});
