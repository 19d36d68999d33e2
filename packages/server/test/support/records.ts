import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeBatch, type TrafficRecord } from '@tapline/contracts';
import { trafficRecord } from '@tapline/testkit';

export const FIXTURES_DIR = fileURLToPath(new URL('../../../testkit/fixtures/', import.meta.url));

/** The batch exactly as Akto's Go Lambda extension posts it. */
export function aktoFixtureBody(): string {
  return readFileSync(`${FIXTURES_DIR}ingest/akto-go-extension-batch.json`, 'utf8');
}

export function makeRecord(overrides: Partial<TrafficRecord> = {}): TrafficRecord {
  return trafficRecord({
    path: '/orders/17?expand=items',
    requestHeaders: {
      host: 'shop.example.com',
      authorization: 'Bearer abc.def.ghi',
      'content-type': 'application/json',
    },
    responsePayload: JSON.stringify({ id: 17, customer: { email: 'ann@example.com' }, total: 12.5 }),
    ...overrides,
  });
}

export function wireBody(records: readonly TrafficRecord[]): string {
  return encodeBatch(records);
}
