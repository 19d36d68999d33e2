/** Stable error codes of the JetStream traffic log. */
export const LogNatsErrorCode = {
  Config: 'TAPLINE_LOG_NATS_CONFIG',
  Connect: 'TAPLINE_LOG_NATS_CONNECT',
  Stream: 'TAPLINE_LOG_NATS_STREAM',
  Consumer: 'TAPLINE_LOG_NATS_CONSUMER',
  IdempotencyKey: 'TAPLINE_LOG_NATS_IDEMPOTENCY_KEY',
} as const;
export type LogNatsErrorCode = (typeof LogNatsErrorCode)[keyof typeof LogNatsErrorCode];

export class LogNatsError extends Error {
  constructor(
    readonly code: LogNatsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LogNatsError';
  }
}
