import type { LambdaClient } from '@aws-sdk/client-lambda';
import { loadLambdaSdk } from './lambda-sdk.js';

/** Where and how to reach the Lambda API; unset fields use the SDK's standard resolution (env, profile, IMDS). */
export interface LambdaClientOptions {
  region?: string;
  /** Endpoint override (the hidden `--endpoint-url` flag), e.g. a local fake in tests. */
  endpoint?: string;
}

export type LambdaClientFactory = (options: LambdaClientOptions) => Promise<LambdaClient>;

/** The default factory: standard credential chain and region resolution, with optional overrides. */
export const createLambdaClient: LambdaClientFactory = async (options) => {
  const { LambdaClient } = await loadLambdaSdk();
  return new LambdaClient({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  });
};
