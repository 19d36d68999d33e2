import { createHash } from 'node:crypto';
import type { ParameterIn, ParameterLocation } from './inventory-types.js';

/** Deterministic short id: a replay derives the same ids. */
export function hashId(text: string, length = 16): string {
  return createHash('sha1').update(text).digest('hex').slice(0, length);
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
