import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// src/resolver-templates and dist/resolver-templates are both two levels below the package root, and the
// template files stay in src (which ships with the package), so one relative path serves both.
const TEMPLATE_DIR = fileURLToPath(new URL('../../src/resolver-templates/', import.meta.url));

export type TemplateKind = 'vtl' | 'js';

const FIELD_PLACEHOLDER = '__TAPLINE_FIELD__';
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

export function templatePath(file: 'akto-data.vtl' | 'akto-data.response.vtl' | 'akto-data.js'): string {
  return `${TEMPLATE_DIR}${file}`;
}

/**
 * The request template. `field` fixes the `field` the function dispatches on (for a resolver shared by
 * several fields leave it unset: the field being resolved is used).
 */
export function requestTemplate(kind: TemplateKind, field?: string): string {
  if (field !== undefined && !GRAPHQL_NAME.test(field)) {
    throw new RangeError(`--field ${JSON.stringify(field)} is not a GraphQL field name`);
  }
  const text = readFileSync(templatePath(kind === 'vtl' ? 'akto-data.vtl' : 'akto-data.js'), 'utf8');
  const value =
    field !== undefined
      ? JSON.stringify(field)
      : kind === 'vtl'
        ? '$ctx.info.fieldName'
        : 'ctx.info.fieldName';
  return text.replace(FIELD_PLACEHOLDER, value);
}

export function responseTemplate(): string {
  return readFileSync(templatePath('akto-data.response.vtl'), 'utf8');
}
