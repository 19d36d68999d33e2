import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/testkit/fixtures, from src/ or dist/. */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function fixturePath(...parts: string[]): string {
  return path.join(FIXTURES_DIR, ...parts);
}

export interface EventFixture {
  /** File name without `.json`, e.g. `apigw-rest-v1`. */
  name: string;
  /** The exact bytes of the file (tests compare these byte for byte). */
  bytes: Buffer;
  text: string;
  /** Parsed with JSON.parse (so integers above 2^53 are already rounded here: use `bytes` to compare). */
  json: unknown;
}

export function loadEventFixture(name: string): EventFixture {
  const file = fixturePath('events', name.endsWith('.json') ? name : `${name}.json`);
  const bytes = readFileSync(file);
  const text = bytes.toString('utf8');
  return { name: path.basename(file, '.json'), bytes, text, json: JSON.parse(text) };
}

export function listEventFixtures(): string[] {
  return readdirSync(fixturePath('events'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** The ingestion batch exactly as Akto's Go extension posts it. */
export function loadAktoBatchFixture(): { bytes: Buffer; json: unknown } {
  const bytes = readFileSync(fixturePath('ingest', 'akto-go-extension-batch.json'));
  return { bytes, json: JSON.parse(bytes.toString('utf8')) };
}
