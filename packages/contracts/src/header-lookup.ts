import type { HeaderMap } from './traffic-record.js';

/** Case-insensitive header look-up: producers keep whatever case the client sent. */
export function getHeader(headers: HeaderMap, name: string): string | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const wanted = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === wanted) return headers[key];
  }
  return undefined;
}
