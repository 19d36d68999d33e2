/**
 * Engine-only micro benchmark: realistic ~1 KB Lambda records over 1,000 endpoints through
 * `InventoryEngine.apply` + `takeChanges` (every 1,000 and every 10,000 records), against a baseline
 * that only JSON-parses the same request/response payloads. Run: `npx tsx bench/inventory-engine/run.ts`.
 */
import { randomUUID } from 'node:crypto';
import { LAMBDA_RECORD_DEFAULTS, type TrafficRecord } from '@tapline/contracts';
import { InventoryEngine, type LoggedRecord } from '../../packages/inventory/src/index.js';

const DISTINCT = 20_000;
const RECORDS_PER_RUN = Number(process.env.BENCH_RECORDS ?? 300_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BATCHES = [1_000, 10_000];
/** Records as Tapline's extension sends them: with the handler's performance and the function. */
const WITH_PERFORMANCE = process.env.BENCH_PERFORMANCE === '1';
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUgRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const RESOURCES = [
  'users',
  'orders',
  'items',
  'carts',
  'invoices',
  'shipments',
  'reviews',
  'payments',
  'accounts',
  'sessions',
];

/** Endpoint k of 1,000: 10 hosts × 10 resources × 10 shapes (collection, item by id, sub-resources). */
function makeRecord(k: number, variant: number): TrafficRecord {
  const host = `api${k % 10}.execute-api.eu-west-1.amazonaws.com`;
  const resource = RESOURCES[Math.floor(k / 10) % 10] as string;
  const shape = Math.floor(k / 100);
  const id = 1000 + variant * 7;
  const sub = `v${shape}`;
  let path: string;
  let method = 'GET';
  if (shape < 3) path = `/${sub}/${resource}/${id}`;
  else if (shape < 5) path = `/${sub}/${resource}/${randomUUID()}/details`;
  else if (shape < 7) {
    path = `/${sub}/${resource}`;
    method = 'POST';
  } else path = `/${sub}/${resource}/${id}/history?page=${variant % 5}&limit=50`;
  const requestPayload =
    method === 'POST'
      ? JSON.stringify({
          name: `widget-${variant}`,
          email: `user${variant}@example.com`,
          quantity: variant % 9,
          tags: ['a', 'b'],
          address: { street: `${variant} Main St`, city: 'Springfield', zip: '12345' },
        })
      : '';
  const responsePayload = JSON.stringify({
    id,
    uuid: randomUUID(),
    name: `Widget ${variant}`,
    owner: { email: `owner${variant % 50}@example.com`, phone: '+1 650 253 0000', active: variant % 2 === 0 },
    price: 19.99 + variant,
    createdAt: '2026-11-24T10:15:02Z',
    url: `https://cdn.example.com/img/${variant}.png`,
    items: [
      { sku: `SKU-${variant}`, qty: 2, unitPrice: 9.5 },
      { sku: `SKU-${variant + 1}`, qty: 1, unitPrice: 4.25 },
    ],
    meta: { requestId: randomUUID(), region: 'eu-west-1', version: 3 },
    description: 'A perfectly ordinary widget with a description long enough to look like real data.',
  });
  return {
    path,
    method,
    requestHeaders: {
      host,
      accept: 'application/json',
      'content-type': 'application/json',
      authorization: `Bearer ${JWT}`,
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36',
      'x-forwarded-for': `203.0.113.${variant % 250}, 10.0.0.12`,
      'x-request-id': randomUUID(),
      'x-forwarded-proto': 'https',
    },
    responseHeaders: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() },
    requestPayload,
    responsePayload,
    ip: `203.0.113.${variant % 250}`,
    time: 1_795_515_302 + variant * 60,
    statusCode: method === 'POST' ? 201 : 200,
    status: 'OK',
    type: LAMBDA_RECORD_DEFAULTS.type,
    accountId: LAMBDA_RECORD_DEFAULTS.accountId,
    vxlanId: LAMBDA_RECORD_DEFAULTS.vxlanId,
    isPending: false,
    source: 'MIRRORING',
    tag: { service: 'lambda', function: `fn-${k % 10}` },
    ...(WITH_PERFORMANCE
      ? {
          performance: {
            durationMs: 2 + ((variant * 7919 + k) % 4000) / 10,
            coldStart: variant % 50 === 0,
            outcome: variant % 97 === 0 ? ('function_error' as const) : ('ok' as const),
          },
          lambdaFunction: { name: `fn-${k % 10}`, qualifier: variant % 3 === 0 ? '7' : 'live' },
        }
      : {}),
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

const distinct: TrafficRecord[] = [];
for (let i = 0; i < DISTINCT; i++) distinct.push(makeRecord(i % 1000, Math.floor(i / 1000)));
const avgBytes = Math.round(distinct.reduce((n, r) => n + JSON.stringify(r).length, 0) / distinct.length);

function baseline(): number {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < RECORDS_PER_RUN; i++) {
    const r = distinct[i % DISTINCT] as TrafficRecord;
    if (r.requestPayload.length > 0) sink += Object.keys(JSON.parse(r.requestPayload) as object).length;
    sink += Object.keys(JSON.parse(r.responsePayload) as object).length;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink < 0) console.log(sink);
  return RECORDS_PER_RUN / seconds;
}

function engineRun(batchSize: number): number {
  const engine = new InventoryEngine();
  let seq = 0;
  const start = process.hrtime.bigint();
  let batch: LoggedRecord[] = [];
  let endpoints = 0;
  for (let i = 0; i < RECORDS_PER_RUN; i++) {
    batch.push({ seq: ++seq, record: distinct[i % DISTINCT] as TrafficRecord });
    if (batch.length === batchSize) {
      engine.apply(batch);
      endpoints += engine.takeChanges().endpoints.length;
      batch = [];
    }
  }
  if (batch.length > 0) engine.apply(batch);
  engine.takeChanges();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (endpoints === 0) throw new Error('no endpoints: the bench is broken');
  return RECORDS_PER_RUN / seconds;
}

console.log(
  `records: ${RECORDS_PER_RUN} per run (${DISTINCT} distinct, ~${avgBytes} B each as JSON), 1,000 endpoints, ${RUNS} runs${WITH_PERFORMANCE ? ', with performance and function' : ''}`,
);
engineRun(1_000); // warm-up
const base: number[] = [];
const eng = new Map<number, number[]>(BATCHES.map((b) => [b, []]));
for (let run = 0; run < RUNS; run++) {
  base.push(baseline());
  for (const size of BATCHES) eng.get(size)?.push(engineRun(size));
}
const b = median(base);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`baseline (JSON.parse of both payloads): median ${fmt(b)} records/s`);
for (const size of BATCHES) {
  const e = median(eng.get(size) ?? []);
  console.log(
    `engine, apply + takeChanges every ${fmt(size)} records: median ${fmt(e)} records/s (engine / baseline ${(e / b).toFixed(2)})`,
  );
}
