import type { PlatformAuth } from '@tapline/contracts';
import type { AuthType } from './inventory-types.js';

const BY_PLATFORM: ReadonlyMap<string, AuthType> = new Map<PlatformAuth['type'], AuthType>([
  ['IAM', 'IAM'],
  ['COGNITO', 'COGNITO'],
  ['OIDC', 'OIDC'],
  ['LAMBDA_AUTHORIZER', 'LAMBDA_AUTHORIZER'],
  ['API_KEY', 'API_KEY'],
]);

const NONE: readonly AuthType[] = Object.freeze([]);

/**
 * The auth types a record's `platformAuth` shows: what API Gateway or AppSync verified before the function
 * ran. Only the mechanism is taken; principals and claims are not stored by the inventory.
 */
export function platformAuthTypes(entries: readonly PlatformAuth[] | undefined): readonly AuthType[] {
  if (!Array.isArray(entries) || entries.length === 0) return NONE;
  const out: AuthType[] = [];
  for (const entry of entries) {
    // Records come from the log as decoded; an entry of another shape is skipped, not trusted.
    const type: unknown = typeof entry === 'object' && entry !== null ? entry.type : undefined;
    const t = typeof type === 'string' ? BY_PLATFORM.get(type) : undefined;
    if (t !== undefined && !out.includes(t)) out.push(t);
  }
  return out;
}
