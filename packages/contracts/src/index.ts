export * from './errors.js';
export * from './header-lookup.js';
export * from './http-status.js';
export * from './json-depth.js';
export * from './traffic-record.js';
export * from './wire-decode.js';
export * from './wire-encode.js';
export * from './wire-schema.js';
