import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuntimeCommand } from './types.js';

/**
 * The official Node runtime interface client (aws-lambda-ric). It loads the handler relative to its
 * working directory, so cwd is the task root, as in Lambda's /var/task.
 */
export function ricRuntime(taskRoot: string, handler: string): RuntimeCommand {
  const ricPackage = createRequire(import.meta.url).resolve('aws-lambda-ric/package.json');
  return {
    command: process.execPath,
    args: [join(dirname(ricPackage), 'bin', 'index.mjs'), handler],
    cwd: taskRoot,
    env: { LAMBDA_TASK_ROOT: taskRoot, _HANDLER: handler },
  };
}

/**
 * A small pure-JS runtime loop speaking the same protocol (no native code), for benchmarks and platforms
 * without aws-lambda-ric. `AWS_LAMBDA_MAX_CONCURRENCY` in the function env makes it poll that many
 * invocations at once.
 */
export function minimalRuntime(taskRoot: string, handler: string): RuntimeCommand {
  // Resolved from this file so it works from src/ (tests) and dist/ (built) alike.
  const script = fileURLToPath(new URL('../runtime/minimal-runtime.mjs', import.meta.url));
  return {
    command: process.execPath,
    args: [script, handler],
    cwd: taskRoot,
    env: { LAMBDA_TASK_ROOT: taskRoot, _HANDLER: handler },
  };
}
