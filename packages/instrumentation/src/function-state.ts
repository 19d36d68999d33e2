/** The parts of a function's configuration that instrumenting reads and writes. */
export interface FunctionState {
  layers: readonly string[];
  env: Readonly<Record<string, string>>;
}

export function sameState(a: FunctionState, b: FunctionState): boolean {
  if (a.layers.length !== b.layers.length || a.layers.some((arn, i) => arn !== b.layers[i])) return false;
  const ak = Object.keys(a.env);
  const bk = Object.keys(b.env);
  return ak.length === bk.length && ak.every((k) => a.env[k] === b.env[k]);
}
