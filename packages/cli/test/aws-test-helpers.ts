import { LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsCommandDeps } from '../src/aws/command-deps.js';

/** Deps pointing the SDK at the fake Lambda API with static credentials, capturing output. */
export function fakeDeps(url: string): AwsCommandDeps & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    lambdaClient: async (options) =>
      new LambdaClient({
        endpoint: options.endpoint ?? url,
        region: options.region ?? 'us-east-1',
        credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' },
        maxAttempts: 1,
      }),
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    wait: { intervalMs: 5, timeoutMs: 5000 },
  };
}
