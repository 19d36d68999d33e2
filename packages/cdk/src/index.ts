export type { TaplineTokenProps } from './ingest-token.js';
export { DEFAULT_LAYER_DIR, defaultLayerZip } from './layer-zips.js';
export { Tapline, type TaplineProps } from './tapline.js';
export { type InstrumentAllOptions, InstrumentWithTapline } from './tapline-aspect.js';
