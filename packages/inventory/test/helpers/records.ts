import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LAMBDA_RECORD_DEFAULTS, type TrafficRecord } from '@tapline/contracts';
import { type InventoryChanges, InventoryEngine, type LoggedRecord } from '../../src/index.js';

const FIXTURES = fileURLToPath(new URL('../../../testkit/fixtures/events/', import.meta.url));

export function fixtureEvent(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8')) as Record<string, unknown>;
}

export const T0 = 1_795_515_302; // 2026-11-24T10:15:02Z

/** A Lambda-shaped record with sensible defaults; override what the test is about. */
export function record(over: Partial<TrafficRecord> = {}): TrafficRecord {
  return {
    path: '/items',
    method: 'GET',
    requestHeaders: { host: 'api.example.com' },
    responseHeaders: { 'content-type': 'application/json' },
    requestPayload: '',
    responsePayload: '{"ok":true}',
    ip: '203.0.113.7',
    time: T0,
    statusCode: 200,
    status: 'OK',
    type: LAMBDA_RECORD_DEFAULTS.type,
    accountId: LAMBDA_RECORD_DEFAULTS.accountId,
    vxlanId: LAMBDA_RECORD_DEFAULTS.vxlanId,
    isPending: false,
    source: 'MIRRORING',
    tag: { service: 'lambda', function: 'test-fn' },
    ...over,
  };
}

export function logged(records: TrafficRecord[], firstSeq = 1): LoggedRecord[] {
  return records.map((r, i) => ({ seq: firstSeq + i, record: r }));
}

/** A fresh engine fed these records (each `record()` overrides), and the changes it would commit. */
export function applyRecords(overrides: Partial<TrafficRecord>[]): {
  engine: InventoryEngine;
  changes: InventoryChanges;
} {
  const engine = new InventoryEngine();
  engine.apply(logged(overrides.map((r) => record(r))));
  return { engine, changes: engine.takeChanges() };
}
