import { type CollectorFault, InMemoryCollector, loadEventFixture } from '@tapline/testkit';
import { describe, expect, it } from 'vitest';
import { startExtension } from '../src/extension.js';
import { createLogger } from '../src/logger.js';
import { FakeRuntimeApi, rawRequest } from './helpers/fake-runtime-api.js';

const BUDGET_MS = 200;
/** The task's bound: post-response extension time within the flush budget plus 50 ms. */
const LIMIT_MS = BUDGET_MS + 50;

async function runFaulted(
  fault: CollectorFault,
  extraEnv: Record<string, string> = {},
  invocations = 5,
  lingerAfterMs = 0,
) {
  const api = await FakeRuntimeApi.start();
  const collector = await InMemoryCollector.start({ fault });
  const lines: string[] = [];
  const ext = await startExtension({
    env: {
      AWS_LAMBDA_RUNTIME_API: api.hostPort,
      AKTO_MIRRORING_URL: collector.url,
      TAPLINE_FLUSH_TIMEOUT_MS: String(BUDGET_MS),
      ...extraEnv,
    },
    listenPort: 0,
    logger: createLogger({ write: (l) => lines.push(l) }),
  });
  const proxy = `127.0.0.1:${ext.proxyPort}`;
  const postResponse: number[] = [];
  const statuses: number[] = [];
  try {
    await api.registered;
    for (let i = 0; i < invocations; i += 1) {
      const inv = api.invoke(loadEventFixture('apigw-http-v2').bytes);
      const next = await rawRequest(proxy, { method: 'GET', path: '/2018-06-01/runtime/invocation/next' });
      statuses.push(next.status);
      const res = await rawRequest(proxy, {
        method: 'POST',
        path: `/2018-06-01/runtime/invocation/${inv.requestId}/response`,
        body: '{"statusCode":200,"body":"ok"}',
      });
      statuses.push(res.status);
      postResponse.push(await inv.cycle);
    }
    // Lets background sends reach their own timeout, for tests that check what gets logged then.
    if (lingerAfterMs > 0) await new Promise((r) => setTimeout(r, lingerAfterMs));
    return { postResponse, statuses, lines, stats: ext.stats(), collector };
  } finally {
    await ext.stop(0);
    await api.close();
    await collector.close();
  }
}

describe('a misbehaving collector never fails an invocation and costs at most the flush budget', () => {
  const faults: [string, CollectorFault][] = [
    ['refused', { kind: 'refuse' }],
    ['stalled (accepts, never answers)', { kind: 'stall' }],
    ['slow (2 s per batch)', { kind: 'slow', ms: 2000 }],
    ['answering 503', { kind: 'status', status: 503 }],
    ['failing TLS (self-signed certificate)', { kind: 'tls-fail' }],
  ];
  for (const [name, fault] of faults) {
    it(`collector ${name}`, async () => {
      const { postResponse, statuses, lines } = await runFaulted(fault);
      expect(statuses.every((s) => s === 200 || s === 202)).toBe(true);
      expect(statuses).toHaveLength(10);
      for (const ms of postResponse) expect(ms).toBeLessThanOrEqual(LIMIT_MS);
      // Each failure kind is logged, but not once per invocation.
      const warnings = lines.filter((l) => l.includes('mirrored batch not delivered'));
      if (fault.kind !== 'slow' && fault.kind !== 'stall') expect(warnings.length).toBeGreaterThanOrEqual(1);
      expect(warnings.length).toBeLessThanOrEqual(2);
    });
  }

  it('a stalled collector is reported once its send times out in the background', async () => {
    const { lines, stats } = await runFaulted({ kind: 'stall' }, {}, 2, 2500);
    const warnings = lines.filter((l) => l.includes('mirrored batch not delivered'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ reason: 'timeout', outcome: 'retryable' });
    expect(stats?.queued).toBeGreaterThanOrEqual(1);
  });

  it('opens the circuit after repeated failures so a dead collector costs near nothing', async () => {
    const { postResponse, collector } = await runFaulted({ kind: 'status', status: 503 }, {}, 8);
    expect(collector.requestCount).toBe(3);
    for (const ms of postResponse.slice(4)) expect(ms).toBeLessThan(BUDGET_MS / 2);
  });

  it('drops the oldest records when the queue is full, counts them, and logs it once', async () => {
    const { stats, lines } = await runFaulted({ kind: 'refuse' }, { TAPLINE_QUEUE_MAX_RECORDS: '3' }, 8);
    expect(stats?.queued).toBe(3);
    expect(stats?.dropped).toBe(5);
    expect(lines.filter((l) => l.includes('mirror queue full'))).toHaveLength(1);
  });

  it('delivers to a self-signed https collector only with the explicit TAPLINE_TLS_VERIFY=false opt-out', async () => {
    const { collector, lines } = await runFaulted({ kind: 'tls-fail' }, { TAPLINE_TLS_VERIFY: 'false' }, 2);
    expect(collector.records).toHaveLength(2);
    expect(lines.filter((l) => l.includes('NOT verified'))).toHaveLength(1);
  });
});
