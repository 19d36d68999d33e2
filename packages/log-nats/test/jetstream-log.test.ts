import { DiscardPolicy, RetentionPolicy } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { TrafficRecord } from '@tapline/contracts';
import { consumerPrefixOf, type LogNatsError, type PartitionReader, partitionOf } from '@tapline/log-nats';
import { trafficRecord } from '@tapline/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { NATS_URL, streamsForTest, testSettings, withManager } from './helpers/test-stream.js';

const streams = streamsForTest();
afterEach(() => streams.cleanup());

function recordsFor(hosts: number, perHost: number, tag: string): TrafficRecord[] {
  const out: TrafficRecord[] = [];
  for (let i = 0; i < perHost; i += 1)
    for (let h = 0; h < hosts; h += 1)
      out.push(trafficRecord({ requestHeaders: { host: `svc-${h}.example.com` }, path: `/${tag}/${i}` }));
  return out;
}

async function readAll(reader: PartitionReader, want: number) {
  const got: { seq: number; record: TrafficRecord }[] = [];
  for (let tries = 0; got.length < want && tries < 20; tries += 1) {
    const r = await reader.read(want - got.length, 500);
    if (r.kind !== 'ok') throw new Error(`read: ${r.detail}`);
    got.push(...r.records);
  }
  return got;
}

describe('stream setup', () => {
  it('creates the stream with limits retention, discard-new and the settings', async () => {
    const settings = testSettings({
      TAPLINE_NATS_MAX_BYTES: '1048576',
      TAPLINE_NATS_MAX_MSG_BYTES: '65536',
      TAPLINE_NATS_DUPLICATE_WINDOW_MS: '60000',
      TAPLINE_NATS_MAX_AGE_HOURS: '2',
    });
    const log = await streams.open(settings);
    const info = await withManager((jsm) => jsm.streams.info(settings.stream));
    expect(info.config).toMatchObject({
      subjects: [`${settings.stream}.p.*`],
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.New,
      num_replicas: 1,
      max_bytes: 1_048_576,
      max_msg_size: 65_536,
      duplicate_window: 60_000 * 1e6,
      max_age: 2 * 3_600_000 * 1e6,
    });
    expect(log.maxMessageBytes).toBe(65_536);
  });

  it('updates an existing stream to new limits and refuses another partition count', async () => {
    const settings = testSettings();
    await streams.open(settings);
    await streams.open({ ...settings, maxBytes: 2_097_152 });
    const info = await withManager((jsm) => jsm.streams.info(settings.stream));
    expect(info.config.max_bytes).toBe(2_097_152);
    await expect(streams.open({ ...settings, partitions: 8 })).rejects.toMatchObject({
      code: 'TAPLINE_LOG_NATS_STREAM',
      message: expect.stringMatching(/has 4 partitions, TAPLINE_PARTITIONS is 8/),
    } satisfies Partial<LogNatsError>);
  });

  it('fails fast naming the flag when NATS is not there', async () => {
    await expect(streams.open({ ...testSettings(), servers: ['127.0.0.1:1'] })).rejects.toMatchObject({
      code: 'TAPLINE_LOG_NATS_CONNECT',
      message: expect.stringMatching(/--log \/ TAPLINE_LOG_URL/),
    });
  });
});

describe('publishing and reading per partition', () => {
  it('keeps each partition in publish order, each collection in one partition', async () => {
    const log = await streams.open(testSettings());
    const batches = [recordsFor(6, 5, 'a'), recordsFor(6, 5, 'b'), recordsFor(6, 5, 'c')];
    const acked: number[] = [];
    for (const batch of batches) {
      const outcome = await log.append(batch);
      expect(outcome.kind).toBe('ok');
      if (outcome.kind === 'ok') acked.push(...outcome.seqs.map((s) => s!));
    }
    expect(new Set(acked).size).toBe(90);
    const all = batches.flat();
    for (let p = 0; p < 4; p += 1) {
      const expected = all.filter((r) => partitionOf(r, 4) === p);
      const reader = await log.openPartitionReader(p, 0);
      const got = await readAll(reader, expected.length);
      await reader.close();
      expect(got.map((g) => g.record.path)).toEqual(expected.map((r) => r.path));
      expect(got.map((g) => g.record.requestHeaders.host)).toEqual(
        expected.map((r) => r.requestHeaders.host),
      );
      for (let i = 1; i < got.length; i += 1) expect(got[i]!.seq).toBeGreaterThan(got[i - 1]!.seq);
      if (got.length > 0) expect(await log.headSeq(p)).toBe(got.at(-1)!.seq);
    }
    expect(await log.headSeq()).toBe(Math.max(...acked));
    const firstTen = await log.readAfter(0, 10);
    expect(firstTen.map((r) => r.seq)).toEqual([...acked].sort((a, b) => a - b).slice(0, 10));
    expect(await log.readAfter(Math.max(...acked), 10)).toEqual([]);
  });

  it('stores a retried batch once when it carries the same idempotency key', async () => {
    const settings = testSettings();
    const log = await streams.open(settings);
    const batch = recordsFor(3, 4, 'x');
    const first = await log.append(batch, { idempotencyKey: 'batch-7f3a' });
    const retry = await log.append(batch, { idempotencyKey: 'batch-7f3a' });
    expect(first).toMatchObject({ kind: 'ok', duplicates: 0 });
    expect(retry).toMatchObject({ kind: 'ok', duplicates: 12 });
    if (first.kind === 'ok' && retry.kind === 'ok') expect(retry.seqs).toEqual(first.seqs);
    // Index-based ids: a retry that sends only part of the batch keeps each record's id.
    const part = await log.append(batch.slice(5), {
      idempotencyKey: 'batch-7f3a',
      recordIndexes: batch.slice(5).map((_, i) => i + 5),
    });
    expect(part).toMatchObject({ kind: 'ok', duplicates: 7 });
    const other = await log.append(batch, { idempotencyKey: 'batch-7f3b' });
    expect(other).toMatchObject({ kind: 'ok', duplicates: 0 });
    const noKey = await log.append(batch);
    expect(noKey).toMatchObject({ kind: 'ok', duplicates: 0 });
    const state = await withManager(async (jsm) => (await jsm.streams.info(settings.stream)).state);
    expect(state.messages).toBe(36);
  });

  it('redelivers what was read but not acknowledged, and a new owner resumes after the checkpoint', async () => {
    const log = await streams.open(testSettings({ TAPLINE_NATS_ACK_WAIT_MS: '1000' }));
    const batch = Array.from({ length: 5 }, (_, i) =>
      trafficRecord({ requestHeaders: { host: 'one.example.com' }, path: `/r/${i}` }),
    );
    const p = log.partitionOf(batch[0]!);
    await log.append(batch);
    const reader = await log.openPartitionReader(p, 0);
    const got = await readAll(reader, 5);
    expect(got.map((g) => g.record.path)).toEqual(batch.map((r) => r.path));
    // Committed the first three: acknowledge them only.
    await reader.ack(got[2]!.seq);
    await new Promise((r) => setTimeout(r, 1600));
    const again = await readAll(reader, 2);
    expect(again.map((g) => g.record.path)).toEqual(['/r/3', '/r/4']);
    const none = await reader.read(10, 300);
    expect(none).toMatchObject({ kind: 'ok', records: [] });
    await reader.close();

    // A new owner whose committed checkpoint is record 3 starts at record 4, whatever was acked.
    const next = await log.openPartitionReader(p, got[3]!.seq);
    const resumed = await readAll(next, 1);
    expect(resumed.map((g) => g.record.path)).toEqual(['/r/4']);
    await log.append([trafficRecord({ requestHeaders: { host: 'one.example.com' }, path: '/r/5' })]);
    const live = await readAll(next, 1);
    expect(live.map((g) => g.record.path)).toEqual(['/r/5']);
    await next.ack(live[0]!.seq);
    const consumers = await withManager((jsm) => jsm.consumers.list(log.settings.stream).next());
    // The new owner replaced the former owner's consumer rather than adding one.
    expect(consumers.map((c) => c.name)).toEqual([next.consumerName]);
    expect(next.consumerName.startsWith(consumerPrefixOf(log.settings.stream, p))).toBe(true);
    await next.close();
  });
});

describe('faults', () => {
  it('answers retryable while the stream is deleted, and works again once it is back', async () => {
    const settings = testSettings({ TAPLINE_PUBLISH_TIMEOUT_MS: '1000' });
    const log = await streams.open(settings);
    expect((await log.append(recordsFor(2, 1, 'a'))).kind).toBe('ok');
    await withManager((jsm) => jsm.streams.delete(settings.stream));
    const outcome = await log.append(recordsFor(2, 1, 'b'));
    expect(outcome).toMatchObject({ kind: 'retryable', reason: 'stream-unavailable' });
    await streams.open(settings); // another process re-creates it on start
    expect(await log.append(recordsFor(2, 1, 'c'))).toMatchObject({ kind: 'ok', rejected: [] });
  });

  it('answers retryable (timeout) when nothing acknowledges within the publish timeout', async () => {
    const settings = testSettings({ TAPLINE_PUBLISH_TIMEOUT_MS: '300' });
    const log = await streams.open(settings);
    await withManager((jsm) => jsm.streams.delete(settings.stream));
    // Something still listens on the subjects but never answers, as a JetStream that stopped responding.
    const nc = await connect({ servers: NATS_URL });
    const silent = nc.subscribe(`${settings.stream}.p.*`);
    try {
      const started = Date.now();
      const outcome = await log.append(recordsFor(3, 2, 't'), { idempotencyKey: 'k-timeout' });
      expect(outcome).toMatchObject({ kind: 'retryable', reason: 'timeout' });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      silent.unsubscribe();
      await nc.close();
    }
  });

  it('answers retryable when the stream limits are hit, never dropping stored records', async () => {
    const settings = testSettings({ TAPLINE_NATS_MAX_BYTES: '1048576' });
    const log = await streams.open(settings);
    const batch = recordsFor(4, 5, 'full');
    expect((await log.append(batch)).kind).toBe('ok');
    // Limits lowered through the NATS API below what is stored: new records are refused.
    await withManager(async (jsm) => {
      const info = await jsm.streams.info(settings.stream);
      await jsm.streams.update(settings.stream, { ...info.config, max_bytes: info.state.bytes + 100 });
    });
    const outcome = await log.append(batch);
    expect(outcome).toMatchObject({ kind: 'retryable', reason: 'stream-full' });
    const state = await withManager(async (jsm) => (await jsm.streams.info(settings.stream)).state);
    expect(state.first_seq).toBe(1);
    expect(state.messages).toBeGreaterThanOrEqual(20);
    await streams.open(settings); // limits restored: accepted again
    expect((await log.append(batch)).kind).toBe('ok');
  });

  it('rejects a too-large record on its own and stores the rest of the batch', async () => {
    const log = await streams.open(testSettings({ TAPLINE_NATS_MAX_MSG_BYTES: '4096' }));
    const small = (path: string) => trafficRecord({ requestHeaders: { host: 'big.example.com' }, path });
    const big = trafficRecord({
      requestHeaders: { host: 'big.example.com' },
      responsePayload: 'x'.repeat(5000),
    });
    const outcome = await log.append([small('/0'), big, small('/2')], { idempotencyKey: 'k-big' });
    expect(outcome.kind).toBe('ok');
    if (outcome.kind !== 'ok') return;
    expect(outcome.rejected).toEqual([
      {
        index: 1,
        code: 'TOO_LARGE',
        message: expect.stringMatching(/^record 1 is \d+ bytes .* at most 4096$/),
      },
    ]);
    expect(outcome.seqs[1]).toBeNull();
    expect(outcome.seqs.filter((s) => s !== null)).toHaveLength(2);
    const stored = await log.readAfter(0, 10);
    expect(stored.map((r) => r.record.path)).toEqual(['/0', '/2']);
  });

  it("checks against the server's max payload when the stream sets no message limit", async () => {
    const log = await streams.open(testSettings());
    expect(log.maxMessageBytes).toBe(1_048_576);
    const huge = trafficRecord({ requestPayload: 'y'.repeat(1_100_000) });
    const outcome = await log.append([huge, trafficRecord()]);
    expect(outcome).toMatchObject({ kind: 'ok', rejected: [{ index: 0, code: 'TOO_LARGE' }] });
  });
});
