/** Stable error codes of the server package. */
export const ServerErrorCode = {
  Config: 'TAPLINE_SERVER_CONFIG',
  InsecureBind: 'TAPLINE_SERVER_INSECURE_BIND',
  Storage: 'TAPLINE_SERVER_STORAGE',
  Worker: 'TAPLINE_SERVER_WORKER',
  NotFound: 'TAPLINE_SERVER_NOT_FOUND',
  BadRequest: 'TAPLINE_SERVER_BAD_REQUEST',
  Unauthorized: 'TAPLINE_SERVER_UNAUTHORIZED',
  RateLimited: 'TAPLINE_SERVER_RATE_LIMITED',
  Overloaded: 'TAPLINE_SERVER_OVERLOADED',
} as const;
export type ServerErrorCode = (typeof ServerErrorCode)[keyof typeof ServerErrorCode];

export class ServerError extends Error {
  constructor(
    readonly code: ServerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ServerError';
  }
}
