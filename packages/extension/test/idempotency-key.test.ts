import { encodeWireRecord } from '@tapline/contracts';
import { InMemoryCollector, trafficRecord } from '@tapline/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollectorClient } from '../src/collector-client.js';
import { createLogger } from '../src/logger.js';
import { MirrorQueue } from '../src/mirror-queue.js';

const collectors: InMemoryCollector[] = [];
afterEach(async () => {
  for (const c of collectors.splice(0)) await c.close();
});

async function queueAgainst(fault: Parameters<typeof InMemoryCollector.start>[0], batchSize = 3) {
  const collector = await InMemoryCollector.start(fault);
  collectors.push(collector);
  const client = createCollectorClient({ url: new URL(collector.url), token: undefined, tlsVerify: true });
  const queue = new MirrorQueue({
    client,
    log: createLogger({ write: () => {} }),
    batchSize,
    lingerMs: 0,
    maxRecords: 100,
    maxBytes: 1 << 20,
    backgroundTimeoutMs: 150,
    breakerThreshold: 100,
  });
  return { collector, client, queue };
}

const record = (i: number) => ({ json: encodeWireRecord(trafficRecord({ path: `/items/${i}` })) });
const keyOf = (headers: Record<string, unknown>) => headers['idempotency-key'] as string;

describe('Idempotency-Key per batch', () => {
  it('is the same on every retry of a batch that a slow collector stored anyway', async () => {
    // Each attempt times out (150 ms) before the collector answers (400 ms), but the collector keeps it.
    const { collector, client, queue } = await queueAgainst({ fault: { kind: 'slow', ms: 400 } });
    for (let i = 0; i < 3; i += 1) queue.push(record(i));
    for (let attempt = 0; attempt < 3; attempt += 1) await queue.flush(1000);
    await new Promise((r) => setTimeout(r, 600));
    client.close();
    expect(collector.batches.length).toBeGreaterThanOrEqual(3);
    const keys = new Set(collector.batches.map((b) => keyOf(b.headers)));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f]{16}-0$/);
    expect(new Set(collector.batches.map((b) => b.body)).size).toBe(1);
  });

  it('differs between batches, and between queues', async () => {
    const { collector, client, queue } = await queueAgainst({}, 2);
    for (let i = 0; i < 6; i += 1) queue.push(record(i));
    await queue.flush(2000);
    const second = await queueAgainst({}, 2);
    second.queue.push(record(0));
    second.queue.push(record(1));
    await second.queue.flush(2000);
    client.close();
    second.client.close();
    const keys = collector.batches.map((b) => keyOf(b.headers));
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
    const [prefix] = keys[0]!.split('-');
    expect(keys.map((k) => k.split('-')[1])).toEqual(['0', '2', '4']);
    expect(keyOf(second.collector.batches[0]!.headers).split('-')[0]).not.toBe(prefix);
  });

  it('names a retried batch that gained newer records by its first record still', async () => {
    const slow = await queueAgainst({ fault: { kind: 'slow', ms: 400 } }, 4);
    slow.queue.push(record(0));
    slow.queue.push(record(1));
    await slow.queue.flush(1000); // times out: 0 and 1 go back to the front
    slow.queue.push(record(2));
    await slow.queue.flush(1000); // retried together with 2
    await new Promise((r) => setTimeout(r, 700));
    slow.client.close();
    const sent = slow.collector.batches.map((b) => ({
      key: keyOf(b.headers),
      paths: b.rawRecords.map((r) => (r as { path: string }).path),
    }));
    expect(sent).toHaveLength(2);
    expect(sent[0]!.key).toMatch(/^[0-9a-f]{16}-0$/);
    expect(sent[1]!.key).toBe(sent[0]!.key);
    expect(sent[0]!.paths).toEqual(['/items/0', '/items/1']);
    expect(sent[1]!.paths).toEqual(['/items/0', '/items/1', '/items/2']);
  });
});
