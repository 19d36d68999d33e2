import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository's docs/ folder (testkit sits in packages/testkit, from src/ or dist/). */
export const DOCS_DIR = fileURLToPath(new URL('../../../docs/', import.meta.url));

export interface DocSnippet {
  /** The fence's language (yaml, hcl, ts...). */
  lang: string;
  code: string;
}

/**
 * The code block that follows `<!-- iac-snippet: NAME -->` in a doc, so tests check exactly what users
 * copy. Throws when the marker is missing or appears twice.
 */
export function docSnippet(doc: string, name: string): DocSnippet {
  const text = readFileSync(`${DOCS_DIR}${doc}`, 'utf8');
  const pattern = new RegExp(`<!-- iac-snippet: ${name} -->\\n\`\`\`(\\w+)\\n([\\s\\S]*?)\\n\`\`\`\\n`, 'g');
  const found = [...text.matchAll(pattern)];
  if (found.length !== 1)
    throw new Error(`docs/${doc}: expected one snippet "${name}", found ${found.length}`);
  return { lang: found[0]![1]!, code: `${found[0]![2]!}\n` };
}
