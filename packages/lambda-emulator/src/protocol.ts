/** Paths, header names and limits of the Lambda Runtime API and Extensions API, as the real service uses them. */

export const RUNTIME_PREFIX = '/2018-06-01/runtime';
export const EXTENSION_PREFIX = '/2020-01-01/extension';

export const Header = {
  requestId: 'lambda-runtime-aws-request-id',
  deadlineMs: 'lambda-runtime-deadline-ms',
  functionArn: 'lambda-runtime-invoked-function-arn',
  traceId: 'lambda-runtime-trace-id',
  clientContext: 'lambda-runtime-client-context',
  cognitoIdentity: 'lambda-runtime-cognito-identity',
  invocationId: 'lambda-runtime-invocation-id',
  errorType: 'lambda-runtime-function-error-type',
  errorBody: 'lambda-runtime-function-error-body',
  responseMode: 'lambda-runtime-function-response-mode',
  extensionName: 'lambda-extension-name',
  extensionId: 'lambda-extension-identifier',
  extensionEventId: 'lambda-extension-event-identifier',
  extensionErrorType: 'lambda-extension-function-error-type',
  extensionAcceptFeature: 'lambda-extension-accept-feature',
} as const;

/** Buffered request and response payloads are limited to 6 MB (6 × 1024 × 1024 bytes). */
export const MAX_BUFFERED_PAYLOAD_BYTES = 6 * 1024 * 1024;

export type ExtensionEventType = 'INVOKE' | 'SHUTDOWN';
export const EXTENSION_EVENT_TYPES: readonly ExtensionEventType[] = ['INVOKE', 'SHUTDOWN'];

export type ShutdownReason = 'spindown' | 'timeout' | 'failure';

/** A Lambda-style error body, as runtimes post it and as the service reports it to callers. */
export function errorBody(errorType: string, errorMessage: string): string {
  return JSON.stringify({ errorMessage, errorType });
}
