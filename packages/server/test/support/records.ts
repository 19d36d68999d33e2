import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type TrafficRecord, toWireRecord } from '@tapline/contracts';

export const FIXTURES_DIR = fileURLToPath(new URL('../../../testkit/fixtures/', import.meta.url));

/** The batch exactly as Akto's Go Lambda extension posts it. */
export function aktoFixtureBody(): string {
  return readFileSync(`${FIXTURES_DIR}ingest/akto-go-extension-batch.json`, 'utf8');
}

export function makeRecord(overrides: Partial<TrafficRecord> = {}): TrafficRecord {
  return {
    path: '/orders/17?expand=items',
    method: 'GET',
    requestHeaders: {
      host: 'shop.example.com',
      authorization: 'Bearer abc.def.ghi',
      'content-type': 'application/json',
    },
    responseHeaders: { 'content-type': 'application/json' },
    requestPayload: '',
    responsePayload: JSON.stringify({ id: 17, customer: { email: 'ann@example.com' }, total: 12.5 }),
    ip: '203.0.113.9',
    time: 1_795_515_302,
    statusCode: 200,
    status: 'OK',
    type: 'HTTP/1.1',
    accountId: '1000000',
    vxlanId: '0',
    isPending: false,
    source: 'MIRRORING',
    tag: { service: 'lambda' },
    ...overrides,
  };
}

export function wireBody(records: readonly TrafficRecord[]): string {
  return JSON.stringify({ batchData: records.map(toWireRecord) });
}
