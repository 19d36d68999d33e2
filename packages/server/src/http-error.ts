import { ServerError, type ServerErrorCode } from './errors.js';

/** A ServerError carrying the HTTP status the error handler answers with. */
export class HttpError extends ServerError {
  constructor(
    readonly statusCode: number,
    code: ServerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
