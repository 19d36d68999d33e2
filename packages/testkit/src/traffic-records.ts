import { LAMBDA_RECORD_DEFAULTS, type TrafficRecord } from '@tapline/contracts';

/**
 * A mirrored exchange as Tapline's Lambda extension would send it, with neutral defaults; tests and
 * benches override only the fields they are about.
 */
export function trafficRecord(fields: Partial<TrafficRecord> = {}): TrafficRecord {
  return {
    path: '/',
    method: 'GET',
    requestHeaders: {},
    responseHeaders: { 'content-type': 'application/json' },
    requestPayload: '',
    responsePayload: '',
    ip: '203.0.113.9',
    time: 1_795_515_302,
    statusCode: 200,
    status: 'OK',
    ...LAMBDA_RECORD_DEFAULTS,
    tag: { service: 'lambda' },
    ...fields,
  };
}
