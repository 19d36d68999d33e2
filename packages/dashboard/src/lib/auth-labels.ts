/** Auth types the platform verified (API Gateway authorizers, AppSync auth modes), not read from headers. */
const PLATFORM: ReadonlySet<string> = new Set(['IAM', 'COGNITO', 'OIDC', 'LAMBDA_AUTHORIZER']);

const TITLES: Readonly<Record<string, string>> = Object.freeze({
  IAM: 'IAM (SigV4), verified by the platform',
  COGNITO: 'Cognito user pool, verified by the platform',
  OIDC: 'OpenID Connect / JWT authorizer, verified by the platform',
  LAMBDA_AUTHORIZER: 'Lambda authorizer, verified by the platform',
  UNAUTHENTICATED: 'No credential seen in any call',
});

export function isPlatformAuthType(type: string): boolean {
  return PLATFORM.has(type);
}

/** A badge's tooltip; undefined for header-detected types, whose names say enough. */
export function authTypeTitle(type: string): string | undefined {
  return TITLES[type];
}

export function authBadgeClass(type: string): string {
  if (type === 'UNAUTHENTICATED') return 'badge badge-noauth';
  return isPlatformAuthType(type) ? 'badge badge-auth badge-platform' : 'badge badge-auth';
}
