import { InstrumentationError } from '@tapline/instrumentation';
import { CliError, CliErrorCode } from '../errors.js';

/** The AWS error name (`ResourceNotFoundException`...) of an SDK error, if it is one. */
export function awsErrorName(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string') {
    return error.name;
  }
  return undefined;
}

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredTokenException',
  'UnrecognizedClientException',
]);

/** Turns an SDK failure (or a refusal of the instrumentation rules) into one clear CLI error saying what to fix. */
export function toCliError(error: unknown, doing: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof InstrumentationError) {
    return new CliError(CliErrorCode.Config, error.message, { cause: error });
  }
  const name = awsErrorName(error) ?? 'Error';
  const detail = error instanceof Error ? error.message : String(error);
  if (name === 'ResourceNotFoundException') {
    return new CliError(CliErrorCode.NotFound, `${doing}: not found (${detail})`, { cause: error });
  }
  if (name === 'ResourceConflictException') {
    return new CliError(
      CliErrorCode.Conflict,
      `${doing}: another update of the function is still in progress (${detail}); try again in a minute`,
      { cause: error },
    );
  }
  if (CREDENTIAL_ERRORS.has(name) || /region is missing/i.test(detail)) {
    return new CliError(
      CliErrorCode.Config,
      `${doing}: ${detail}. Configure AWS credentials and a region (AWS_PROFILE / AWS_REGION, \`aws configure\`, or --region)`,
      { cause: error },
    );
  }
  if (name === 'AccessDeniedException') {
    return new CliError(
      CliErrorCode.Aws,
      `${doing}: access denied (${detail}); the caller needs lambda:* rights on it`,
      {
        cause: error,
      },
    );
  }
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET/.test(detail)) {
    return new CliError(
      CliErrorCode.Aws,
      `${doing}: cannot reach the Lambda API (${detail}); check the network and --region`,
      {
        cause: error,
      },
    );
  }
  return new CliError(CliErrorCode.Aws, `${doing}: ${name}: ${detail}`, { cause: error });
}
