import type { Stack } from 'aws-cdk-lib';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';

/** Where the ingestion token comes from; at most one. */
export interface TaplineTokenProps {
  /**
   * A Secrets Manager secret holding the token. The template carries a `{{resolve:secretsmanager:…}}`
   * reference that CloudFormation resolves at deploy time, never the token.
   */
  tokenSecret?: ISecret;
  /** The JSON field of `tokenSecret` that holds the token, when the secret is a JSON object. */
  tokenSecretField?: string;
  /**
   * An SSM parameter of type String holding the token, resolved at deploy time. Lambda environment variables
   * cannot take SecureString parameters: use `tokenSecret` for those.
   */
  tokenParameterName?: string;
  /** The token itself: it ends up in the template as plain text. Prefer `tokenSecret`. */
  token?: string;
}

/** The value of TAPLINE_INGEST_TOKEN (a deploy-time reference unless a plain token was given), or undefined. */
export function ingestTokenValue(stack: Stack, props: TaplineTokenProps): string | undefined {
  const given = [props.tokenSecret, props.tokenParameterName, props.token].filter((v) => v !== undefined);
  if (given.length > 1) {
    throw new Error('Tapline: give at most one of tokenSecret, tokenParameterName and token');
  }
  if (props.tokenSecretField !== undefined && props.tokenSecret === undefined) {
    throw new Error('Tapline: tokenSecretField needs tokenSecret');
  }
  if (props.tokenSecret !== undefined) {
    const value =
      props.tokenSecretField === undefined
        ? props.tokenSecret.secretValue
        : props.tokenSecret.secretValueFromJson(props.tokenSecretField);
    // A dynamic reference, resolved by CloudFormation: unwrapping it puts no secret in the template.
    return value.unsafeUnwrap();
  }
  if (props.tokenParameterName !== undefined) {
    return ssm.StringParameter.valueForStringParameter(stack, props.tokenParameterName);
  }
  return props.token;
}
