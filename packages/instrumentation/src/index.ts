export {
  type AttachMarker,
  type AttachSettings,
  applyAttach,
  MARKER_KEY,
  MAX_LAYERS,
  planAttach,
  readMarker,
  restoreState,
} from './attach-plan.js';
export { planRemoveTapline, planRestorePrevious } from './detach-plan.js';
export { InstrumentationError, InstrumentationErrorCode } from './errors.js';
export { type FunctionState, sameState } from './function-state.js';
export {
  type InstrumentationState,
  type InstrumentationStatus,
  instrumentationStatus,
} from './instrumentation-status.js';
export {
  type Arch,
  archFromLayerName,
  DEFAULT_LAYER_NAME,
  isTaplineLayer,
  type LayerArnParts,
  looksLikeOtherProxy,
  parseLayerArn,
} from './layer-arn.js';
export {
  compatibleRuntimes,
  NODE_RUNTIMES,
  runtimeHasNode,
  SHIPPED_NODE_RUNTIMES,
} from './layer-runtimes.js';
export {
  AKTO_URL_KEY,
  EXEC_WRAPPER_KEY,
  effectiveIngestUrl,
  INGEST_URL_KEY,
  type IngestSettings,
  PREVIOUS_WRAPPER_KEY,
  TAPLINE_VAR_PREFIX,
  TOKEN_KEY,
  taplineVariables,
  WRAPPER_PATH,
} from './tapline-variables.js';
export { assertWrapperHonoured, type FunctionKind, wrapperRefusal } from './wrapper-support.js';
