import { type FieldNode, type FragmentDefinitionNode, print, type SelectionNode } from 'graphql';

/** The parts of graphql-js's resolve info a mapping template reads (`$ctx.info`). */
export interface VtlFieldInfo {
  fieldName: string;
  parentTypeName: string;
  fieldNodes: readonly FieldNode[];
  variableValues: Record<string, unknown>;
  fragments?: Record<string, FragmentDefinitionNode>;
}

/** `$ctx.info` as AppSync fills it: the field, its parent type, variables and the selection set. */
export interface AppSyncInfo {
  fieldName: string;
  parentTypeName: string;
  variables: Record<string, unknown>;
  /** Field paths, `author` and `author/name`, fragments flattened, as AppSync lists them. */
  selectionSetList: string[];
  /** The field's selection set printed as GraphQL (fragment spreads kept). */
  selectionSetGraphQL: string;
}

export function appSyncInfo(info: VtlFieldInfo): AppSyncInfo {
  const fragments = info.fragments ?? {};
  const list = (selections: readonly SelectionNode[], prefix: string | null): string[] =>
    selections.flatMap((node) => {
      if (node.kind === 'Field') {
        const name =
          prefix === null ? (node.alias ?? node.name).value : `${prefix}/${(node.alias ?? node.name).value}`;
        return [name, ...(node.selectionSet === undefined ? [] : list(node.selectionSet.selections, name))];
      }
      const fragment = node.kind === 'FragmentSpread' ? fragments[node.name.value] : node;
      return fragment?.selectionSet === undefined ? [] : list(fragment.selectionSet.selections, prefix);
    });
  const field = info.fieldNodes.find((f) => f.name.value === info.fieldName);
  return {
    fieldName: info.fieldName,
    parentTypeName: info.parentTypeName,
    variables: info.variableValues,
    selectionSetList: field?.selectionSet === undefined ? [] : list(field.selectionSet.selections, null),
    selectionSetGraphQL: field?.selectionSet === undefined ? '' : print(field.selectionSet),
  };
}
