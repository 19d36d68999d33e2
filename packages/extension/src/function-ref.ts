import type { LambdaFunctionRef } from '@tapline/contracts';

let lastArn: string | undefined;
let lastVersion: string | undefined;
let lastRef: LambdaFunctionRef | undefined;

/**
 * The function and qualifier from `Lambda-Runtime-Invoked-Function-Arn`
 * (`arn:aws:lambda:<region>:<account>:function:<name>[:<version or alias>]`). Without a qualifier in the
 * ARN the running version (`AWS_LAMBDA_FUNCTION_VERSION`) is the qualifier. Every invocation of an
 * environment usually carries the same ARN: the last answer is kept.
 */
export function functionRefOf(
  arn: string | undefined,
  fallbackName: string,
  version: string | undefined,
): LambdaFunctionRef {
  if (arn !== undefined && arn === lastArn && version === lastVersion && lastRef !== undefined)
    return lastRef;
  const parts = arn?.split(':') ?? [];
  const name = parts[5] === 'function' && parts[6] ? parts[6] : fallbackName;
  const qualifier = parts[5] === 'function' && parts[7] ? parts[7] : version;
  const ref: LambdaFunctionRef = qualifier ? { name, qualifier } : { name };
  if (arn !== undefined) {
    lastArn = arn;
    lastVersion = version;
    lastRef = ref;
  }
  return ref;
}
