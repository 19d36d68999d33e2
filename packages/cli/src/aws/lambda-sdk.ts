/**
 * The Lambda SDK, loaded on first use: importing it costs a few hundred milliseconds, which `tapline --help`
 * and the commands that do not talk to AWS must not pay.
 */
export type LambdaSdk = typeof import('@aws-sdk/client-lambda');

let loading: Promise<LambdaSdk> | undefined;

export function loadLambdaSdk(): Promise<LambdaSdk> {
  loading ??= import('@aws-sdk/client-lambda');
  return loading;
}
