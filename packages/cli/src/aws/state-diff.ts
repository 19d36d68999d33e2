import { type FunctionState, MARKER_KEY } from '@tapline/instrumentation';

const SECRET_KEY = /token|secret|password|passwd|api_?key|credential/i;

function display(key: string, value: string): string {
  if (key === MARKER_KEY) return `${key}=<record of what tapline attach changed>`;
  if (SECRET_KEY.test(key)) return `${key}=${value === '' ? '' : '****'}`;
  return `${key}=${value}`;
}

/** A unified-style diff of Layers and Environment, with secret-looking values masked. */
export function renderStateDiff(
  functionName: string,
  before: FunctionState,
  after: FunctionState,
  action: string,
): string {
  const lines = [`--- ${functionName} (current)`, `+++ ${functionName} (after ${action})`, '@@ Layers @@'];
  const afterLayers = new Set(after.layers);
  const beforeLayers = new Set(before.layers);
  for (const arn of before.layers) lines.push(`${afterLayers.has(arn) ? ' ' : '-'} ${arn}`);
  for (const arn of after.layers) if (!beforeLayers.has(arn)) lines.push(`+ ${arn}`);
  lines.push('@@ Environment.Variables @@');
  const keys = [...new Set([...Object.keys(before.env), ...Object.keys(after.env)])].sort();
  for (const key of keys) {
    const was = before.env[key];
    const now = after.env[key];
    if (was === now) lines.push(`  ${display(key, was!)}`);
    else {
      if (was !== undefined) lines.push(`- ${display(key, was)}`);
      if (now !== undefined) lines.push(`+ ${display(key, now)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
