import type { RequestShape } from './request-shape.js';

/**
 * Direct invocations (SDK, CLI, Step Functions, arrays, strings...): path `/<function-name>`, the raw
 * event bytes as the payload, so large integers and HTML characters survive untouched.
 */
export function mapDirect(rawEvent: string, functionName: string): RequestShape {
  return {
    kind: 'direct',
    path: `/${functionName}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: rawEvent,
    ip: '',
  };
}
