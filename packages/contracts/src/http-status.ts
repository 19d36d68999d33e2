import { STATUS_CODES } from 'node:http';

/** The reason phrase for a status code (`200` → `OK`), or an empty string for unknown codes. */
export function reasonPhrase(statusCode: number): string {
  return STATUS_CODES[statusCode] ?? '';
}
