import { InstrumentationError, InstrumentationErrorCode } from './errors.js';
import type { FunctionState } from './function-state.js';
import { isTaplineLayer } from './layer-arn.js';
import { type IngestSettings, taplineVariables } from './tapline-variables.js';

/** The env var where attach records what it changed, so detach --restore-previous can undo exactly that. */
export const MARKER_KEY = 'TAPLINE_ATTACHED';
export const MAX_LAYERS = 5;

/** What attach changed: the previous value of every env var it set (null: was unset) and the layers it replaced. */
export interface AttachMarker {
  v: 1;
  layer: string;
  replacedLayers: string[];
  env: Record<string, string | null>;
}

export interface AttachSettings extends IngestSettings {
  layerArn: string;
  layerName?: string;
}

export function readMarker(env: Readonly<Record<string, string>>): AttachMarker | undefined {
  const raw = env[MARKER_KEY];
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<AttachMarker>;
    if (
      parsed.v !== 1 ||
      typeof parsed.layer !== 'string' ||
      typeof parsed.env !== 'object' ||
      parsed.env === null
    ) {
      throw new Error('unexpected shape');
    }
    return {
      v: 1,
      layer: parsed.layer,
      replacedLayers: Array.isArray(parsed.replacedLayers) ? parsed.replacedLayers.map(String) : [],
      env: parsed.env,
    };
  } catch (cause) {
    throw new InstrumentationError(
      InstrumentationErrorCode.BadMarker,
      `${MARKER_KEY} on the function is not a record Tapline wrote (${raw.slice(0, 80)}); remove it by hand and retry`,
      { cause },
    );
  }
}

/** The state before Tapline's attach: undoes what the marker records. Without a marker, returns the state as is. */
export function restoreState(state: FunctionState): FunctionState {
  const marker = readMarker(state.env);
  if (marker === undefined) return state;
  const env: Record<string, string> = { ...state.env };
  delete env[MARKER_KEY];
  for (const [key, previous] of Object.entries(marker.env)) {
    if (previous === null) delete env[key];
    else env[key] = previous;
  }
  const layers: string[] = [];
  for (const arn of state.layers) {
    if (arn === marker.layer) layers.push(...marker.replacedLayers);
    else layers.push(arn);
  }
  return { layers, env };
}

/** The state after attaching to a function that Tapline has not (or no longer) touched. */
export function applyAttach(base: FunctionState, settings: AttachSettings): FunctionState {
  const replacedLayers: string[] = [];
  const layers: string[] = [];
  for (const arn of base.layers) {
    if (isTaplineLayer(arn, settings.layerArn, settings.layerName)) {
      // Keep the position of the first Tapline layer so the stacking order of the others is unchanged.
      if (replacedLayers.length === 0) layers.push(settings.layerArn);
      replacedLayers.push(arn);
    } else {
      layers.push(arn);
    }
  }
  if (replacedLayers.length === 0) layers.push(settings.layerArn);
  if (layers.length > MAX_LAYERS) {
    throw new InstrumentationError(
      InstrumentationErrorCode.TooManyLayers,
      `the function already uses ${base.layers.length} layers; Lambda allows at most ${MAX_LAYERS}, so Tapline's cannot be added`,
    );
  }

  const desired = taplineVariables(base.env, settings);
  const marker: AttachMarker = { v: 1, layer: settings.layerArn, replacedLayers, env: {} };
  for (const key of Object.keys(desired)) marker.env[key] = base.env[key] ?? null;
  return { layers, env: { ...base.env, ...desired, [MARKER_KEY]: JSON.stringify(marker) } };
}

/** Attach as a whole: re-attaching first undoes the previous attach, so the result depends only on the settings. */
export function planAttach(current: FunctionState, settings: AttachSettings): FunctionState {
  return applyAttach(restoreState(current), settings);
}
