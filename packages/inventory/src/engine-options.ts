import type { InventoryOptions } from './inventory-types.js';

/** The engine's options with every default filled in. */
export interface ResolvedOptions {
  acceptStatus: (statusCode: number) => boolean;
  ignorePathsContaining: string[];
  maxParametersPerEndpoint: number;
  maxEndpointsPerCollection: number;
  maxSamplesPerEndpoint: number;
}

export function defaultAcceptStatus(statusCode: number): boolean {
  return (statusCode >= 200 && statusCode < 300) || statusCode === 302;
}

export const DEFAULT_MAX_PARAMETERS_PER_ENDPOINT = 1000;
export const DEFAULT_MAX_ENDPOINTS_PER_COLLECTION = 2000;

export const DEFAULT_IGNORE_PATHS: readonly string[] = Object.freeze(['/health', 'api/ingestData']);

export function resolveOptions(options: InventoryOptions): ResolvedOptions {
  return Object.freeze({
    acceptStatus: options.acceptStatus ?? defaultAcceptStatus,
    ignorePathsContaining: [...(options.ignorePathsContaining ?? DEFAULT_IGNORE_PATHS)],
    maxParametersPerEndpoint: options.maxParametersPerEndpoint ?? DEFAULT_MAX_PARAMETERS_PER_ENDPOINT,
    maxEndpointsPerCollection: options.maxEndpointsPerCollection ?? DEFAULT_MAX_ENDPOINTS_PER_COLLECTION,
    maxSamplesPerEndpoint: options.maxSamplesPerEndpoint ?? 10,
  });
}
