import { hash } from 'node:crypto';
import type { ParameterIn, ParameterLocation } from './inventory-types.js';

/**
 * Deterministic short id: a replay derives the same ids. One-shot `hash` (same digest as
 * `createHash`, a third of its cost): a new endpoint hashes an id for each of its parameters.
 */
export function hashId(text: string, length = 16): string {
  return hash('sha1', text, 'hex').slice(0, length);
}

export function collectionIdOf(key: string): string {
  return hashId(`collection|${key}`, 12);
}

export function endpointIdOf(collectionId: string, method: string, path: string): string {
  return hashId(`endpoint|${collectionId}|${method}|${path}`);
}

export function parameterIdOf(
  endpointId: string,
  location: ParameterLocation,
  status: number | null,
  where: ParameterIn,
  name: string,
): string {
  return hashId(`parameter|${endpointId}|${location}|${status ?? ''}|${where}|${name}`);
}
