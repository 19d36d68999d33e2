import { LambdaClient } from '@aws-sdk/client-lambda';

/** Where and how to reach the Lambda API; unset fields use the SDK's standard resolution (env, profile, IMDS). */
export interface LambdaClientOptions {
  region?: string;
  /** Endpoint override (the hidden `--endpoint-url` flag), e.g. a local fake in tests. */
  endpoint?: string;
}

export type LambdaClientFactory = (options: LambdaClientOptions) => LambdaClient;

/** The default factory: standard credential chain and region resolution, with optional overrides. */
export const createLambdaClient: LambdaClientFactory = (options) =>
  new LambdaClient({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  });
