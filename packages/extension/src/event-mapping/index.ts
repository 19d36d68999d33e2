import { isAlbEvent, mapAlb } from './alb.js';
import { isApiGatewayV1Event, mapApiGatewayV1 } from './api-gateway-v1.js';
import { isAppSyncEvent, mapAppSync } from './appsync.js';
import { isAppSyncBatch, isAppSyncDirectEvent, mapAppSyncDirect } from './appsync-direct.js';
import { mapDirect } from './direct.js';
import { isHttpApiV2Event, mapHttpApiV2 } from './http-api-v2.js';
import { isObject, type RequestShape } from './request-shape.js';

export type { RequestShape } from './request-shape.js';

/** Every event shape with its own mapping has one of these keys; without any, the event is direct. */
const SOURCE_MARKERS = ['"akto_data"', '"requestContext"', '"httpMethod"', '"parentTypeName"'];
/** An AppSync `BatchInvoke` is the only array with a mapping of its own. */
const BATCH_MARKER = '"parentTypeName"';

/** Maps raw event text to the request half of a record; never throws (unknown shapes are direct). */
export function mapEvent(rawEvent: string, functionName: string): RequestShape {
  // Cheap sniffing first: a large direct payload should not be parsed just to learn it is direct.
  if (/^\s*\[/.test(rawEvent) && rawEvent.includes(BATCH_MARKER)) return mapBatch(rawEvent, functionName);
  if (!/^\s*\{/.test(rawEvent) || !SOURCE_MARKERS.some((m) => rawEvent.includes(m))) {
    return mapDirect(rawEvent, functionName);
  }
  let event: unknown;
  try {
    event = JSON.parse(rawEvent);
  } catch {
    return mapDirect(rawEvent, functionName);
  }
  if (!isObject(event)) return mapDirect(rawEvent, functionName);
  try {
    // A template's akto_data wins: it was written to describe the client's request.
    if (isAppSyncEvent(event)) return mapAppSync(event);
    if (isAppSyncDirectEvent(event)) return mapAppSyncDirect(event);
    if (isAlbEvent(event)) return mapAlb(event);
    if (isHttpApiV2Event(event)) return mapHttpApiV2(event);
    if (isApiGatewayV1Event(event)) return mapApiGatewayV1(event);
  } catch {
    // A shape that looked familiar but was not: fall through to the direct mapping.
  }
  return mapDirect(rawEvent, functionName);
}

/** One request per `BatchInvoke` item; the first one stands for the invocation as a whole. */
function mapBatch(rawEvent: string, functionName: string): RequestShape {
  let event: unknown;
  try {
    event = JSON.parse(rawEvent);
  } catch {
    return mapDirect(rawEvent, functionName);
  }
  if (!isAppSyncBatch(event)) return mapDirect(rawEvent, functionName);
  try {
    const batch = event.map(mapAppSyncDirect);
    return { ...batch[0]!, batch };
  } catch {
    return mapDirect(rawEvent, functionName);
  }
}
