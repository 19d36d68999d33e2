import type { TrafficRecord } from '@tapline/contracts';

/**
 * API Gateway's stage and API id become collection tags (`stage=prod`, `apiId=abc123`), so the stages of
 * one API can be told apart and filtered. Returns whether `tags` changed.
 */
export function applyGatewayTags(tags: Record<string, string>, r: TrafficRecord): boolean {
  let changed = false;
  const stage = r.apiStage;
  if (typeof stage === 'string' && stage.length > 0 && tags.stage !== stage) {
    tags.stage = stage;
    changed = true;
  }
  const apiId = r.apiId;
  if (typeof apiId === 'string' && apiId.length > 0 && tags.apiId !== apiId) {
    tags.apiId = apiId;
    changed = true;
  }
  return changed;
}
