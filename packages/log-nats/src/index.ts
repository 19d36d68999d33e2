export * from './errors.js';
export * from './idempotency-key.js';
export * from './nats-log-settings.js';
export * from './nats-traffic-log.js';
export * from './partition-of.js';
export * from './partition-reader.js';
export * from './record-publisher.js';
export * from './stream-setup.js';
