export { DEFAULTS, type Env, type ExtensionConfig, parseConfig } from './config.js';
export { ExtensionError, ExtensionErrorCode } from './errors.js';
export { mapEvent, type RequestShape } from './event-mapping/index.js';
export { type RunningExtension, type StartOptions, startExtension } from './extension.js';
export {
  type BuildLayerOptions,
  type BuiltLayer,
  buildLayer,
  bundleExtension,
  type LayerArch,
} from './layer/build-layer.js';
export { createLogger, type Logger } from './logger.js';
export { buildRecord, maskValue, truncateBody } from './record-builder.js';
export { mapResult, type ResponseShape } from './response-mapping.js';
