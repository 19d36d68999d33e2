/** Stable error codes of the PostgreSQL store. */
export const StorePostgresErrorCode = {
  Config: 'TAPLINE_STORE_POSTGRES_CONFIG',
  Connect: 'TAPLINE_STORE_POSTGRES_CONNECT',
  Migration: 'TAPLINE_STORE_POSTGRES_MIGRATION',
  Checkpoint: 'TAPLINE_STORE_POSTGRES_CHECKPOINT',
} as const;
export type StorePostgresErrorCode = (typeof StorePostgresErrorCode)[keyof typeof StorePostgresErrorCode];

export class StorePostgresError extends Error {
  constructor(
    readonly code: StorePostgresErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorePostgresError';
  }
}
