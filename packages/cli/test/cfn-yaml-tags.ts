import { type CollectionTag, type ScalarTag, YAMLMap, YAMLSeq } from 'yaml';

/** CloudFormation's short-form intrinsic functions (`!Ref x`, `!Sub '…'`, `!GetAtt a.b`...) as YAML tags. */
const FUNCTIONS = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
  'Transform',
];

function intrinsic(name: string, value: unknown): Record<string, unknown> {
  if (name === 'Ref') return { Ref: value };
  if (name === 'Condition') return { Condition: value };
  // The short form takes "Resource.Attribute"; the long form a two-element list.
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

/** Custom tags for `yaml`'s parse: each intrinsic on a scalar, a sequence or a mapping, in its long form. */
export const CFN_TAGS: (ScalarTag | CollectionTag)[] = ['Ref', 'Condition', 'GetAtt', ...FUNCTIONS].flatMap(
  (name) => [
    { tag: `!${name}`, resolve: (value: string) => intrinsic(name, value) },
    {
      tag: `!${name}`,
      collection: 'seq' as const,
      nodeClass: YAMLSeq,
      resolve: (seq: YAMLSeq.Parsed | YAMLMap.Parsed) => intrinsic(name, seq.toJSON()),
    },
    {
      tag: `!${name}`,
      collection: 'map' as const,
      nodeClass: YAMLMap,
      resolve: (map: YAMLSeq.Parsed | YAMLMap.Parsed) => intrinsic(name, map.toJSON()),
    },
  ],
);
