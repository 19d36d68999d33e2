import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  valueFromASTUntyped,
  visit,
} from 'graphql';

export type GraphqlOperationType = 'query' | 'mutation' | 'subscription';

/** One top-level field of one operation: what becomes one endpoint. */
export interface GraphqlField {
  /** null when unknown (AppSync records without `parentTypeName`). */
  operationType: GraphqlOperationType | null;
  /** The schema field name (aliases resolved). */
  field: string;
  /** The key of this field in the response's `data` (the alias when there is one). */
  responseKey: string;
  /** Selection-set paths below the field, `#`-joined field names: `author`, `author#email`. */
  selections: string[];
  /** Variables referenced by the field's arguments; null means all of the request's variables. */
  variableNames: string[] | null;
  /** Arguments written as literals in the document. */
  literalArguments: Record<string, unknown>;
  /**
   * AppSync: the type of a field that is not a root field (`Post` for `Post.author`), which AppSync
   * resolves with a resolver of its own; absent for root fields and parsed documents.
   */
  parentType?: string;
}

/** One GraphQL request (one element of a batched array). */
export interface GraphqlRequestItem {
  /** Position in a batched array; 0 for a single request. */
  index: number;
  operationName: string | null;
  variables: Record<string, unknown> | null;
  fields: GraphqlField[];
  appSync: boolean;
}

const MAX_SELECTIONS = 200;
/** Documents nesting brackets deeper than this are not parsed: the parser and value readers recurse. */
const MAX_DOCUMENT_NESTING = 64;
const MAX_DEPTH = 10;
const CACHE_LIMIT = 2000;
const fieldCache = new Map<string, GraphqlField[] | null>();

function remember(key: string, value: GraphqlField[] | null): GraphqlField[] | null {
  if (fieldCache.size >= CACHE_LIMIT) fieldCache.clear();
  fieldCache.set(key, value);
  return value;
}

const TYPE_BY_PARENT: Record<string, GraphqlOperationType> = {
  query: 'query',
  mutation: 'mutation',
  subscription: 'subscription',
};

/**
 * Reads a GraphQL request body (already JSON-parsed): a `{query, operationName, variables}` object, a
 * batched array of them, or an AppSync resolver record (`operationName` = field, empty `query`, optional
 * `parentTypeName` and `selectionSetGraphQL`). Returns null when the body is not GraphQL or its document
 * does not parse.
 */
export function parseGraphqlOperations(body: unknown): GraphqlRequestItem[] | null {
  if (Array.isArray(body)) {
    if (body.length === 0) return null;
    const items: GraphqlRequestItem[] = [];
    for (let i = 0; i < body.length && i < 50; i++) {
      const item = parseOne(body[i], i);
      if (item !== null) items.push(item);
    }
    return items.length > 0 ? items : null;
  }
  const one = parseOne(body, 0);
  return one === null ? null : [one];
}

function parseOne(body: unknown, index: number): GraphqlRequestItem | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  const query = b.query;
  const operationName =
    typeof b.operationName === 'string' && b.operationName.length > 0 ? b.operationName : null;
  const variables =
    typeof b.variables === 'object' && b.variables !== null && !Array.isArray(b.variables)
      ? (b.variables as Record<string, unknown>)
      : null;
  if ((query === undefined || query === null || query === '') && operationName !== null) {
    return { index, operationName, variables, fields: [appSyncField(b, operationName)], appSync: true };
  }
  if (typeof query !== 'string' || query.length === 0) return null;
  const key = `${operationName ?? ''}\u0000${query}`;
  let fields = fieldCache.get(key);
  if (fields === undefined) fields = remember(key, fieldsOfDocument(query, operationName));
  if (fields === null || fields.length === 0) return null;
  return { index, operationName, variables, fields, appSync: false };
}

function appSyncField(b: Record<string, unknown>, field: string): GraphqlField {
  const parent =
    typeof b.parentTypeName === 'string' ? TYPE_BY_PARENT[b.parentTypeName.toLowerCase()] : undefined;
  let selections: string[] = [];
  if (typeof b.selectionSetGraphQL === 'string' && b.selectionSetGraphQL.trim().length > 0) {
    const key = `\u0001${b.selectionSetGraphQL}`;
    let cached = fieldCache.get(key);
    if (cached === undefined) {
      cached = remember(key, selectionSetOnly(b.selectionSetGraphQL));
    }
    selections = cached?.[0]?.selections ?? [];
  }
  const result: GraphqlField = {
    operationType: parent ?? null,
    field,
    responseKey: field,
    selections,
    variableNames: null,
    literalArguments: {},
  };
  if (parent === undefined && typeof b.parentTypeName === 'string' && TYPE_NAME_RE.test(b.parentTypeName)) {
    result.parentType = b.parentTypeName;
  }
  return result;
}

/** A GraphQL type name (`Post`): it becomes a path segment. */
const TYPE_NAME_RE = /^[_A-Za-z][_0-9A-Za-z]{0,127}$/;

/** Parses an AppSync `selectionSetGraphQL` (`{ id author { email } }`) into a pseudo-field holding its paths. */
function selectionSetOnly(text: string): GraphqlField[] | null {
  if (nestsDeeperThan(text, MAX_DOCUMENT_NESTING)) return null;
  let doc: DocumentNode;
  try {
    doc = parse(text.trim().startsWith('{') ? text : `{ ${text} }`, { noLocation: true, maxTokens: 5000 });
  } catch {
    return null;
  }
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (op === undefined) return null;
  const fragments = fragmentMap(doc);
  const selections: string[] = [];
  collectSelections(op.selectionSet, '', fragments, selections, 0, new Set());
  return [
    {
      operationType: null,
      field: '',
      responseKey: '',
      selections,
      variableNames: null,
      literalArguments: {},
    },
  ];
}

function fragmentMap(doc: DocumentNode): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) map.set(d.name.value, d);
  return map;
}

/** Bracket nesting of a GraphQL document ({ [ ( outside strings and comments), counted without parsing. */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  let inComment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inComment) {
      if (c === 0x0a || c === 0x0d) inComment = false;
    } else if (inString) {
      if (c === 0x5c)
        i++; // backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x23) inComment = true;
    else if (c === 0x7b || c === 0x5b || c === 0x28) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d || c === 0x29) depth--;
  }
  return false;
}

function fieldsOfDocument(query: string, operationName: string | null): GraphqlField[] | null {
  if (nestsDeeperThan(query, MAX_DOCUMENT_NESTING)) return null;
  let doc: DocumentNode;
  try {
    doc = parse(query, { noLocation: true, maxTokens: 20000 });
  } catch {
    return null;
  }
  const operations = doc.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  // The named operation when the request names one that exists; every operation otherwise (lenient).
  const named = operationName === null ? [] : operations.filter((o) => o.name?.value === operationName);
  const chosen = named.length > 0 ? named : operations;
  const fragments = fragmentMap(doc);
  const fields: GraphqlField[] = [];
  for (const op of chosen) {
    const roots: { field: string; responseKey: string; node: FieldNode }[] = [];
    collectRootFields(op.selectionSet, fragments, roots, new Set());
    for (const root of roots) {
      const selections: string[] = [];
      if (root.node.selectionSet)
        collectSelections(root.node.selectionSet, '', fragments, selections, 0, new Set());
      const variableNames = new Set<string>();
      const literalArguments: Record<string, unknown> = {};
      for (const arg of root.node.arguments ?? []) {
        if (arg.value.kind === Kind.VARIABLE) variableNames.add(arg.value.name.value);
        else {
          visit(arg.value, {
            Variable(node) {
              variableNames.add(node.name.value);
            },
          });
          literalArguments[arg.name.value] = valueFromASTUntyped(arg.value);
        }
      }
      // Variables used deeper in the selection (arguments of nested fields) also belong to this field.
      if (root.node.selectionSet) {
        visit(root.node.selectionSet, {
          Variable(node) {
            variableNames.add(node.name.value);
          },
        });
      }
      fields.push({
        operationType: op.operation as GraphqlOperationType,
        field: root.field,
        responseKey: root.responseKey,
        selections,
        variableNames: [...variableNames],
        literalArguments,
      });
    }
  }
  return fields;
}

function collectRootFields(
  set: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  out: { field: string; responseKey: string; node: FieldNode }[],
  seenFragments: Set<string>,
): void {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value === '__typename') continue;
      out.push({ field: sel.name.value, responseKey: sel.alias?.value ?? sel.name.value, node: sel });
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      collectRootFields(sel.selectionSet, fragments, out, seenFragments);
    } else {
      const name = sel.name.value;
      const frag = fragments.get(name);
      if (frag === undefined || seenFragments.has(name)) continue;
      seenFragments.add(name);
      collectRootFields(frag.selectionSet, fragments, out, seenFragments);
    }
  }
}

function collectSelections(
  set: SelectionSetNode,
  prefix: string,
  fragments: Map<string, FragmentDefinitionNode>,
  out: string[],
  depth: number,
  activeFragments: Set<string>,
): void {
  if (depth >= MAX_DEPTH) return;
  for (const sel of set.selections) {
    if (out.length >= MAX_SELECTIONS) return;
    if (sel.kind === Kind.FIELD) {
      const path = prefix.length === 0 ? sel.name.value : `${prefix}#${sel.name.value}`;
      if (!out.includes(path)) out.push(path);
      if (sel.selectionSet)
        collectSelections(sel.selectionSet, path, fragments, out, depth + 1, activeFragments);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      collectSelections(sel.selectionSet, prefix, fragments, out, depth + 1, activeFragments);
    } else {
      const name = sel.name.value;
      const frag = fragments.get(name);
      if (frag === undefined || activeFragments.has(name)) continue;
      activeFragments.add(name);
      collectSelections(frag.selectionSet, prefix, fragments, out, depth + 1, activeFragments);
      activeFragments.delete(name);
    }
  }
}

/**
 * Endpoint path of one field: `<base>/<operationType>/<field>`; `<base>/<Type>/<field>` for a field of a
 * non-root type (`/graphql/Post/author`; a record whose path already names them, as the extension writes
 * direct resolvers' records, keeps its path); `<base>/<field>` when the type is unknown.
 */
export function graphqlEndpointPath(basePath: string, field: GraphqlField): string {
  const base = basePath === '/' ? '' : basePath;
  if (field.parentType !== undefined) {
    const suffix = `/${field.parentType}/${field.field}`;
    return base.endsWith(suffix) ? base : `${base}${suffix}`;
  }
  return field.operationType === null
    ? `${base}/${field.field}`
    : `${base}/${field.operationType}/${field.field}`;
}
