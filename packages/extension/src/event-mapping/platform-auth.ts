import type { PlatformAuth } from '@tapline/contracts';
import { isObject, type JsonObject, str } from './request-shape.js';

/** Claims kept per mechanism and their length: enough to name who called, bounded like everything mirrored. */
const MAX_CLAIMS = 40;
const MAX_CLAIM_CHARS = 512;
/** Never copied, whatever an authorizer names them: raw credentials, not identities. */
const SECRET_NAME = /secret|passw|credential|signature|api[-_]?key|access[-_]?key|token$/i;
/** Claims that only repeat the principal or issuer, or say nothing about the caller. */
const SKIPPED_CLAIMS: ReadonlySet<string> = new Set(['sub', 'iss', 'integrationLatency', 'principalId']);

function text(value: unknown): string | undefined {
  const s = str(value);
  return s === undefined || s === '' ? undefined : s;
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) || isObject(value)) return JSON.stringify(value);
  return undefined;
}

/** A flat string map of claims or authorizer context, bounded, without credentials. */
export function claimsOf(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const out: Record<string, string> = {};
  let count = 0;
  for (const name in value) {
    if (count >= MAX_CLAIMS) break;
    if (SKIPPED_CLAIMS.has(name) || SECRET_NAME.test(name) || name === '__proto__') continue;
    const item = scalar(value[name]);
    if (item === undefined) continue;
    out[name] = item.length > MAX_CLAIM_CHARS ? item.slice(0, MAX_CLAIM_CHARS) : item;
    count++;
  }
  return count > 0 ? out : undefined;
}

function entry(
  type: PlatformAuth['type'],
  fields: { principal?: unknown; issuer?: unknown; accountId?: unknown; scopes?: unknown; claims?: unknown },
): PlatformAuth {
  const auth: PlatformAuth = { type };
  const principal = text(fields.principal);
  if (principal !== undefined) auth.principal = principal;
  const issuer = text(fields.issuer);
  if (issuer !== undefined) auth.issuer = issuer;
  const accountId = text(fields.accountId);
  if (accountId !== undefined) auth.accountId = accountId;
  if (Array.isArray(fields.scopes)) {
    const scopes = fields.scopes.filter((s): s is string => typeof s === 'string');
    if (scopes.length > 0) auth.scopes = scopes;
  }
  const claims = claimsOf(fields.claims);
  if (claims !== undefined) auth.claims = claims;
  return auth;
}

const COGNITO_ISSUER = /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\//;

/** A JWT's issuer decides between a Cognito user pool and another OIDC provider. */
function jwtType(issuer: unknown): 'COGNITO' | 'OIDC' {
  return typeof issuer === 'string' && COGNITO_ISSUER.test(issuer) ? 'COGNITO' : 'OIDC';
}

/** Who asked with IAM (SigV4): the user ARN, else the caller id. Access keys are never copied. */
function iamEntry(identity: JsonObject, callerKey: 'caller' | 'callerId'): PlatformAuth {
  return entry('IAM', {
    principal: text(identity.userArn) ?? text(identity[callerKey]),
    accountId: identity.accountId,
    claims: {
      cognitoIdentityId: identity.cognitoIdentityId,
      cognitoIdentityPoolId: identity.cognitoIdentityPoolId,
      cognitoAuthenticationType: identity.cognitoAuthenticationType,
      principalOrgId: identity.principalOrgId,
    },
  });
}

/** API Gateway REST (v1): `requestContext.authorizer` and `requestContext.identity`. */
export function restApiAuth(context: JsonObject): PlatformAuth[] | undefined {
  const out: PlatformAuth[] = [];
  const authorizer = context.authorizer;
  if (isObject(authorizer)) {
    if (isObject(authorizer.claims)) {
      const claims = authorizer.claims;
      out.push(entry(jwtType(claims.iss), { principal: claims.sub, issuer: claims.iss, claims }));
    } else if (text(authorizer.principalId) !== undefined) {
      out.push(entry('LAMBDA_AUTHORIZER', { principal: authorizer.principalId, claims: authorizer }));
    }
  }
  const identity = context.identity;
  if (isObject(identity)) {
    if (out.length === 0 && (text(identity.userArn) !== undefined || text(identity.caller) !== undefined))
      out.push(iamEntry(identity, 'caller'));
    // The key's id names it; `identity.apiKey` is the key itself and is never copied.
    if (text(identity.apiKeyId) !== undefined) out.push(entry('API_KEY', { principal: identity.apiKeyId }));
  }
  return out.length > 0 ? out : undefined;
}

/** HTTP API (v2) and function URLs: `requestContext.authorizer.jwt`, `.lambda`, `.iam`. */
export function httpApiAuth(context: JsonObject): PlatformAuth[] | undefined {
  const authorizer = context.authorizer;
  if (!isObject(authorizer)) return undefined;
  if (isObject(authorizer.jwt)) {
    const jwt = authorizer.jwt;
    const claims = isObject(jwt.claims) ? jwt.claims : {};
    return [
      entry(jwtType(claims.iss), { principal: claims.sub, issuer: claims.iss, scopes: jwt.scopes, claims }),
    ];
  }
  if (isObject(authorizer.lambda)) {
    const context = authorizer.lambda;
    return [
      entry('LAMBDA_AUTHORIZER', {
        principal: authorizer.principalId ?? context.principalId,
        claims: context,
      }),
    ];
  }
  if (isObject(authorizer.iam)) return [iamEntry(authorizer.iam, 'callerId')];
  return undefined;
}

/**
 * AppSync `identity`, by authorization mode: Cognito user pools (`sub`, `issuer`, `claims`, and
 * `defaultAuthStrategy`), OIDC (`sub`, `issuer`, `claims`), IAM (`accountId`, `userArn`), Lambda authorizer
 * (`resolverContext`); API key mode sends no identity at all.
 */
export function appSyncAuth(identity: unknown): PlatformAuth[] {
  if (!isObject(identity)) return [{ type: 'API_KEY' }];
  if (text(identity.userArn) !== undefined || text(identity.accountId) !== undefined) {
    return [
      entry('IAM', {
        principal: identity.userArn ?? identity.username,
        accountId: identity.accountId,
        claims: {
          username: identity.username,
          cognitoIdentityId: identity.cognitoIdentityId,
          cognitoIdentityPoolId: identity.cognitoIdentityPoolId,
          cognitoIdentityAuthType: identity.cognitoIdentityAuthType,
        },
      }),
    ];
  }
  if (text(identity.issuer) !== undefined || text(identity.sub) !== undefined) {
    // Cognito identities carry user-pool extras (`defaultAuthStrategy`, `groups`); the issuer tells too.
    const cognito = identity.defaultAuthStrategy !== undefined || jwtType(identity.issuer) === 'COGNITO';
    const claims = isObject(identity.claims) ? identity.claims : {};
    return [
      entry(cognito ? 'COGNITO' : 'OIDC', { principal: identity.sub, issuer: identity.issuer, claims }),
    ];
  }
  if (identity.resolverContext !== undefined) {
    return [entry('LAMBDA_AUTHORIZER', { claims: identity.resolverContext })];
  }
  return [{ type: 'API_KEY' }];
}
