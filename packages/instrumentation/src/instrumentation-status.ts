import { MARKER_KEY } from './attach-plan.js';
import type { FunctionState } from './function-state.js';
import { isTaplineLayer, parseLayerArn } from './layer-arn.js';
import {
  EXEC_WRAPPER_KEY,
  effectiveIngestUrl,
  TAPLINE_VAR_PREFIX,
  WRAPPER_PATH,
} from './tapline-variables.js';

/**
 * `instrumented`: a Tapline layer, the wrapper and an ingestion URL, so invocations are mirrored.
 * `partial`: some of it only (e.g. a layer without the wrapper: the extension starts but sees nothing).
 * `no`: no Tapline layer and no Tapline variable.
 */
export type InstrumentationState = 'instrumented' | 'partial' | 'no';

export interface InstrumentationStatus {
  state: InstrumentationState;
  /** Tapline layer versions on the function, in order. */
  layers: string[];
  /** `name:version` of the first Tapline layer. */
  layerVersion: string | undefined;
  ingestUrl: string | undefined;
  /** Whether `tapline function attach` put it there (its record is on the function). */
  attached: boolean;
}

export function instrumentationStatus(fn: FunctionState, layerName?: string): InstrumentationStatus {
  const layers = fn.layers.filter((arn) => isTaplineLayer(arn, undefined, layerName));
  const first = layers[0] === undefined ? undefined : parseLayerArn(layers[0]);
  const ingestUrl = effectiveIngestUrl(fn.env);
  const wrapper = fn.env[EXEC_WRAPPER_KEY] === WRAPPER_PATH;
  const hasVars = Object.keys(fn.env).some((k) => k.startsWith(TAPLINE_VAR_PREFIX));
  let state: InstrumentationState = 'no';
  if (layers.length > 0 && wrapper && ingestUrl !== undefined) state = 'instrumented';
  else if (layers.length > 0 || hasVars) state = 'partial';
  return {
    state,
    layers,
    layerVersion: first === undefined ? undefined : `${first.name}:${first.version ?? '?'}`,
    ingestUrl,
    attached: fn.env[MARKER_KEY] !== undefined,
  };
}
