export * from './header-lookup.js';
export * from './http-status.js';
export * from './query-api.js';
export * from './traffic-record.js';
export * from './wire-decode.js';
export * from './wire-encode.js';
