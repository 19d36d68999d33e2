import { writeLambdaFields } from './lambda-wire-fields.js';
import type { TrafficRecord } from './traffic-record.js';

/** A record in Akto's wire format: every field a string, headers and tag as JSON-encoded strings. */
export interface WireRecord {
  path: string;
  requestHeaders: string;
  responseHeaders: string;
  method: string;
  requestPayload: string;
  responsePayload: string;
  ip: string;
  destIp?: string;
  time: string;
  statusCode: string;
  type: string;
  status: string;
  akto_account_id: string;
  akto_vxlan_id: string;
  is_pending: string;
  source: string;
  direction?: string;
  tag: string;
  // Tapline's optional Lambda fields (`LAMBDA_WIRE_FIELDS`); Akto's collector ignores them.
  declared_route?: string;
  api_stage?: string;
  api_id?: string;
  platform_auth?: string;
  duration_ms?: string;
  cold_start?: string;
  init_duration_ms?: string;
  outcome?: string;
  function_name?: string;
  function_qualifier?: string;
}

export interface WireBatch {
  batchData: WireRecord[];
}

/** Converts one record to Akto's wire shape. Dependency-free: the extension bundle uses it. */
export function toWireRecord(record: TrafficRecord): WireRecord {
  const wire: WireRecord = {
    path: record.path,
    requestHeaders: JSON.stringify(record.requestHeaders),
    responseHeaders: JSON.stringify(record.responseHeaders),
    method: record.method,
    requestPayload: record.requestPayload,
    responsePayload: record.responsePayload,
    ip: record.ip,
    time: String(record.time),
    statusCode: String(record.statusCode),
    type: record.type,
    status: record.status,
    akto_account_id: record.accountId,
    akto_vxlan_id: record.vxlanId,
    is_pending: String(record.isPending),
    source: record.source,
    tag: JSON.stringify(record.tag),
  };
  if (record.destIp !== undefined) wire.destIp = record.destIp;
  if (record.direction !== undefined) wire.direction = record.direction;
  writeLambdaFields(record, wire);
  return wire;
}

/** Serialises records as the body of `POST /api/ingestData`. */
export function encodeBatch(records: readonly TrafficRecord[]): string {
  return JSON.stringify({ batchData: records.map(toWireRecord) } satisfies WireBatch);
}

/** One record in its wire JSON, for senders that encode ahead of batching. */
export function encodeWireRecord(record: TrafficRecord): string {
  return JSON.stringify(toWireRecord(record));
}

const BATCH_OPEN = '{"batchData":[';
const BATCH_CLOSE = ']}';

/**
 * The batch body, as UTF-8 bytes, around records already encoded with `encodeWireRecord` (the same bytes
 * as `encodeBatch`). Written straight into one buffer: with megabyte records a joined string would be
 * one more copy of the whole batch, which a sender only turns into bytes anyway.
 */
export function encodeBatchOf(encoded: readonly string[]): Buffer {
  let size = BATCH_OPEN.length + BATCH_CLOSE.length + Math.max(0, encoded.length - 1);
  for (const json of encoded) size += Buffer.byteLength(json);
  const out = Buffer.allocUnsafe(size);
  let at = out.write(BATCH_OPEN, 0, 'latin1');
  for (let i = 0; i < encoded.length; i += 1) {
    if (i > 0) at += out.write(',', at, 'latin1');
    at += out.write(encoded[i]!, at);
  }
  out.write(BATCH_CLOSE, at, 'latin1');
  return out;
}
