import { MARKER_KEY, readMarker, restoreState } from './attach-plan.js';
import type { FunctionState } from './function-state.js';
import { isTaplineLayer, looksLikeOtherProxy } from './layer-arn.js';
import {
  AKTO_URL_KEY,
  EXEC_WRAPPER_KEY,
  PREVIOUS_WRAPPER_KEY,
  TAPLINE_VAR_PREFIX,
  WRAPPER_PATH,
} from './tapline-variables.js';

/**
 * Removes Tapline entirely, whoever instrumented the function (attach, IaC, by hand): every Tapline layer
 * version, every TAPLINE_* variable, and Tapline's wrapper, restoring a wrapper it chained. Everything else
 * stays, except that an AKTO_MIRRORING_URL attach overwrote gets its previous value back.
 */
export function planRemoveTapline(current: FunctionState, layerName?: string): FunctionState {
  const marker = readMarker(current.env);
  const layers = current.layers.filter((arn) => !isTaplineLayer(arn, undefined, layerName));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(current.env)) {
    if (!key.startsWith(TAPLINE_VAR_PREFIX)) env[key] = value;
  }
  if (current.env[EXEC_WRAPPER_KEY] === WRAPPER_PATH) {
    const chained = current.env[PREVIOUS_WRAPPER_KEY];
    if (chained !== undefined && chained !== '') env[EXEC_WRAPPER_KEY] = chained;
    // Another proxy that stays (e.g. Akto's) ships a wrapper at the same path: it is that layer's, keep it.
    else if (!layers.some(looksLikeOtherProxy)) delete env[EXEC_WRAPPER_KEY];
  }
  const previousAktoUrl = marker?.env[AKTO_URL_KEY];
  if (previousAktoUrl !== undefined && previousAktoUrl !== null) env[AKTO_URL_KEY] = previousAktoUrl;
  return { layers, env };
}

/**
 * Undoes exactly the last attach (its record on the function): replaced layers and every variable it set come
 * back as they were. Without a record, only Tapline layers are removed (nothing else is known to be Tapline's).
 */
export function planRestorePrevious(current: FunctionState, layerName?: string): FunctionState {
  if (current.env[MARKER_KEY] !== undefined) return restoreState(current);
  return {
    layers: current.layers.filter((arn) => !isTaplineLayer(arn, undefined, layerName)),
    env: current.env,
  };
}
