/** Runtimes whose own Node runs the extension. */
export const NODE_RUNTIMES: readonly string[] = Object.freeze([
  'nodejs18.x',
  'nodejs20.x',
  'nodejs22.x',
  'nodejs24.x',
]);

/**
 * Runtimes that need the Node shipped in the layer: AL2023-based only (the shipped Node needs glibc 2.28+).
 * OS-only runtimes (provided.*) are left out on purpose: they ignore AWS_LAMBDA_EXEC_WRAPPER.
 */
export const SHIPPED_NODE_RUNTIMES: readonly string[] = Object.freeze([
  'python3.12',
  'python3.13',
  'python3.14',
  'java21',
  'dotnet8',
  'ruby3.3',
  'ruby3.4',
]);

/** The runtimes a layer lists as compatible; Lambda takes at most 15. */
export function compatibleRuntimes(withNode: boolean): string[] {
  return withNode ? [...NODE_RUNTIMES, ...SHIPPED_NODE_RUNTIMES] : [...NODE_RUNTIMES];
}

/** Whether the runtime brings its own Node, so the layer without a shipped Node can serve it. */
export function runtimeHasNode(runtime: string): boolean {
  return runtime.startsWith('nodejs');
}
