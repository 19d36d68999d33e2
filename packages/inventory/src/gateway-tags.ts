import type { TrafficRecord } from '@tapline/contracts';

/** The API Gateway deployment a record came through: the stage, and the API id when the record has one. */
export interface GatewayDeployment {
  stage: string;
  apiId: string | null;
}

/** API Gateway stage names (letters, digits, `-`, `_`; at most 128), or HTTP APIs' auto-deploy `$default`. */
const STAGE_RE = /^(?:\$default|[A-Za-z0-9_-]{1,128})$/;
/** API ids are short alphanumeric strings (`abc123defg`). */
const API_ID_RE = /^[A-Za-z0-9]{1,64}$/;

/**
 * The stage and API id of a record from API Gateway; null when it names no stage. A value that is not a
 * stage name (or API id) is ignored: it must not name a collection.
 */
export function gatewayDeploymentOf(r: TrafficRecord): GatewayDeployment | null {
  const stage = r.apiStage;
  if (typeof stage !== 'string' || !STAGE_RE.test(stage)) return null;
  const apiId = r.apiId;
  return { stage, apiId: typeof apiId === 'string' && API_ID_RE.test(apiId) ? apiId : null };
}

/**
 * The collection key's stage suffix: `#<stage>`, plus `#<apiId>` unless the host is the API's own
 * (`<apiId>.execute-api.…`, or `<apiId>-<vpce>.execute-api.…` for private APIs), since a custom domain can
 * map several APIs that share a stage name. Empty for records without a stage.
 */
export function stageSuffix(d: GatewayDeployment | null, host: string | null): string {
  if (d === null) return '';
  if (d.apiId === null || (host !== null && ownsHost(d.apiId, host))) return `#${d.stage}`;
  return `#${d.stage}#${d.apiId}`;
}

function ownsHost(apiId: string, host: string): boolean {
  const lower = apiId.toLowerCase();
  return host.startsWith(`${lower}.`) || host.startsWith(`${lower}-`);
}

/**
 * API Gateway's stage and API id become collection tags (`stage=prod`, `apiId=abc123`). The stage is part
 * of the collection key, so a collection's tags never change. Returns whether `tags` changed.
 */
export function applyGatewayTags(tags: Record<string, string>, r: TrafficRecord): boolean {
  // Most records of a stage collection carry the tags it already has: no pattern to test.
  if (r.apiStage === undefined || (tags.stage === r.apiStage && (r.apiId ?? tags.apiId) === tags.apiId))
    return false;
  const d = gatewayDeploymentOf(r);
  if (d === null) return false;
  let changed = false;
  if (tags.stage !== d.stage) {
    tags.stage = d.stage;
    changed = true;
  }
  if (d.apiId !== null && tags.apiId !== d.apiId) {
    tags.apiId = d.apiId;
    changed = true;
  }
  return changed;
}
