import { type FunctionState, isTaplineLayer, readMarker, TOKEN_KEY } from '@tapline/instrumentation';
import type { FunctionView } from './function-config.js';

export const IAC_FORMATS = ['diff', 'cloudformation', 'terraform', 'json'] as const;
export type IacFormat = (typeof IAC_FORMATS)[number];

/** The secret an IaC fragment refers to for the token: the token itself is never printed. */
export const TOKEN_SECRET_NAME = 'tapline/ingest-token';
export const TOKEN_TERRAFORM_VARIABLE = 'tapline_ingest_token';

/** What attach would change, as IaC sees it: the full layer list and the variables Tapline adds. */
export interface IacChange {
  function: string;
  architecture: string;
  runtime: string | undefined;
  /** The Tapline layer version being attached. */
  layerArn: string;
  /** The function's whole layer list after attach (IaC replaces the list, so the others are in it). */
  layers: string[];
  /** Tapline's variables only: IaC users merge them into the function's own. */
  variables: Record<string, string>;
  /** Layers attach takes off (older Tapline versions). */
  removedLayers: string[];
}

export function iacChange(fn: FunctionView, target: FunctionState, layerArn: string): IacChange {
  // The attach record names the variables attach sets; the record itself only serves
  // `detach --restore-previous`, and IaC is its own record, so it is left out.
  const variables: Record<string, string> = {};
  for (const key of Object.keys(readMarker(target.env)?.env ?? {})) {
    const value = target.env[key];
    if (value !== undefined) variables[key] = value;
  }
  return {
    function: fn.name,
    architecture: fn.architecture,
    runtime: fn.runtime,
    layerArn,
    layers: [...target.layers],
    variables,
    removedLayers: fn.layers.filter((arn) => !target.layers.includes(arn) && isTaplineLayer(arn, layerArn)),
  };
}

function header(change: IacChange, where: string): string[] {
  return [
    `Tapline for function ${change.function} (${change.architecture}${change.runtime === undefined ? '' : `, ${change.runtime}`}): ${where}.`,
    "Layers is the full list; Environment lists only the variables Tapline adds: keep the function's own next to them.",
  ];
}

/** Properties of an AWS::Lambda::Function (or AWS::Serverless::Function), as YAML. */
export async function renderCloudFormation(change: IacChange): Promise<string> {
  const { Document } = await import('yaml');
  const variables = { ...change.variables };
  if (variables[TOKEN_KEY] !== undefined)
    variables[TOKEN_KEY] = `{{resolve:secretsmanager:${TOKEN_SECRET_NAME}}}`;
  const doc = new Document({ Layers: change.layers, Environment: { Variables: variables } });
  doc.commentBefore = header(change, 'merge into its Properties')
    .map((line) => ` ${line}`)
    .join('\n');
  return doc.toString({ lineWidth: 0 });
}

/** HCL string literal: JSON's escapes are HCL's, plus template sequences must not be interpolated. */
function hclString(value: string): string {
  // Replacement functions: in a replacement string "$$" would itself mean one "$".
  return JSON.stringify(value)
    .replaceAll('${', () => '$${')
    .replaceAll('%{', () => '%%{');
}

/** Arguments of a Terraform `aws_lambda_function` resource. */
export function renderTerraform(change: IacChange): string {
  const lines = header(change, 'merge into its aws_lambda_function resource').map((line) => `# ${line}`);
  lines.push(
    'layers = [',
    ...change.layers.map((arn) => `  ${hclString(arn)},`),
    ']',
    'environment {',
    '  variables = {',
  );
  for (const [key, value] of Object.entries(change.variables)) {
    const rendered = key === TOKEN_KEY ? `var.${TOKEN_TERRAFORM_VARIABLE}` : hclString(value);
    lines.push(`    ${key} = ${rendered}`);
  }
  lines.push('  }', '}');
  return `${lines.join('\n')}\n`;
}

export function renderJson(change: IacChange): string {
  const variables = Object.fromEntries(
    Object.entries(change.variables).map(([k, v]) => [k, k === TOKEN_KEY && v !== '' ? '****' : v]),
  );
  return `${JSON.stringify({ ...change, variables }, null, 2)}\n`;
}
