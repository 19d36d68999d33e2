/**
 * Generated traffic for the scale bench: `collections` hosts (one API per Lambda function), each with
 * `endpointsPerCollection` endpoints. Each POST carries records of one function, as a Lambda extension
 * sends them (it batches per function); which function posts next is random.
 */
import { encodeBatch, type TrafficRecord } from '@tapline/contracts';
import { trafficRecord } from '@tapline/testkit';

export interface TrafficShape {
  collections: number;
  endpointsPerCollection: number;
  /** Records per POST (all of one collection). */
  recordsPerPost: number;
  /** Total records. */
  records: number;
  /** Records of random collections mixed in each POST (many functions behind one collector), not one per POST. */
  mixed?: boolean;
}

export const hostOf = (collection: number): string => `fn${collection}.scale.example.com`;

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;

/**
 * Endpoint `k` of a collection: `/svc<a>/op<b>/<id>` (templated to `/svcA/opB/INTEGER`) with its own
 * body field names. No 10 of them share all but one segment, so none merge into a STRING template.
 */
export function endpointOf(k: number): { method: string; template: string; path: (id: number) => string } {
  const a = k % 7;
  const b = Math.floor(k / 7);
  const method = METHODS[k % METHODS.length] as string;
  return {
    method,
    template: `/svc${a}/op${b}/INTEGER`,
    path: (id) => `/svc${a}/op${b}/${id}?page=${id % 5}`,
  };
}

function recordFor(collection: number, k: number, n: number): TrafficRecord {
  const endpoint = endpointOf(k);
  const id = 1_000 + ((n * 7919) % 100_000);
  return trafficRecord({
    method: endpoint.method,
    path: endpoint.path(id),
    requestHeaders: {
      host: hostOf(collection),
      'content-type': 'application/json',
      authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
      'user-agent': 'scale-bench/1.0',
      'x-request-id': `req-${collection}-${n}`,
    },
    requestPayload: endpoint.method === 'GET' ? '' : JSON.stringify({ [`in${k}`]: n, note: 'hello' }),
    responseHeaders: { 'content-type': 'application/json', 'x-amzn-requestid': `r${n}` },
    responsePayload: JSON.stringify({
      id,
      [`out${k}`]: `value-${n}`,
      email: `user${n % 1000}@example.com`,
      items: [{ sku: `sku-${n % 50}`, qty: (n % 3) + 1 }],
    }),
  });
}

/** Deterministic shuffle (so two runs post the same sequence). */
function shuffled(count: number, seed: number): Uint32Array {
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  let state = seed >>> 0;
  for (let i = count - 1; i > 0; i--) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    const j = state % (i + 1);
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}

/**
 * The POST bodies in order, generated lazily. Post `p` goes to collection `order[p % collections]`;
 * its records walk that collection's endpoints round-robin, so every endpoint is called
 * `records / (collections × endpointsPerCollection)` times in all.
 */
export function* postBodies(shape: TrafficShape): Generator<{ body: string; records: number }> {
  if (shape.mixed === true) {
    yield* mixedBodies(shape);
    return;
  }
  const posts = Math.ceil(shape.records / shape.recordsPerPost);
  const rounds = Math.ceil(posts / shape.collections);
  const cursor = new Uint32Array(shape.collections);
  let sent = 0;
  for (let round = 0; round < rounds; round++) {
    const order = shuffled(shape.collections, 17 + round);
    for (let i = 0; i < shape.collections && sent < shape.records; i++) {
      const collection = order[i] as number;
      const n = Math.min(shape.recordsPerPost, shape.records - sent);
      const records: TrafficRecord[] = [];
      for (let r = 0; r < n; r++) {
        const k = (cursor[collection] as number) % shape.endpointsPerCollection;
        records.push(recordFor(collection, k, (cursor[collection] as number) + collection));
        cursor[collection] = (cursor[collection] as number) + 1;
      }
      sent += n;
      yield { body: encodeBatch(records), records: n };
    }
  }
}

/** Every record in a random order: record i is call i / collections of collection i % collections. */
function* mixedBodies(shape: TrafficShape): Generator<{ body: string; records: number }> {
  const order = shuffled(shape.records, 29);
  for (let start = 0; start < shape.records; start += shape.recordsPerPost) {
    const records: TrafficRecord[] = [];
    for (let i = start; i < Math.min(shape.records, start + shape.recordsPerPost); i++) {
      const n = order[i] as number;
      const collection = n % shape.collections;
      const call = Math.floor(n / shape.collections);
      records.push(recordFor(collection, call % shape.endpointsPerCollection, n));
    }
    yield { body: encodeBatch(records), records: records.length };
  }
}
