import {
  InMemoryCollector,
  type InMemoryCollectorOptions,
  listEventFixtures,
  loadEventFixture,
} from '@tapline/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningExtension, startExtension } from '../src/extension.js';
import { createLogger } from '../src/logger.js';
import { FakeRuntimeApi, header, rawRequest } from './helpers/fake-runtime-api.js';
import { FIXTURE_SCENARIOS } from './helpers/fixture-scenarios.js';

const quiet = createLogger({ level: 'error', write: () => {} });
const warnings: string[] = [];
const recordingWarnings = createLogger({ level: 'warn', write: (line) => warnings.push(line) });
const FN = 'orders-api';

/** A fake Runtime API, an in-memory collector and the extension between them, with `env` on top. */
async function startStack(env: Record<string, string>, collectorOptions?: InMemoryCollectorOptions) {
  const api = await FakeRuntimeApi.start();
  const collector = await InMemoryCollector.start(collectorOptions);
  const ext = await startExtension({
    env: { AWS_LAMBDA_RUNTIME_API: api.hostPort, AKTO_MIRRORING_URL: collector.url, ...env },
    listenPort: 0,
    logger: quiet,
  });
  await api.registered;
  return {
    api,
    collector,
    ext,
    proxy: `127.0.0.1:${ext.proxyPort}`,
    async close() {
      await ext.stop(0);
      await api.close();
      await collector.close();
    },
  };
}

describe('mirroring through the event loop (fake Runtime API)', () => {
  let api: FakeRuntimeApi;
  let collector: InMemoryCollector;
  let ext: RunningExtension;
  let proxy: string;

  beforeAll(async () => {
    api = await FakeRuntimeApi.start();
    collector = await InMemoryCollector.start({ token: 'secret-token' });
    ext = await startExtension({
      env: {
        AWS_LAMBDA_RUNTIME_API: api.hostPort,
        AKTO_MIRRORING_URL: collector.url,
        TAPLINE_INGEST_TOKEN: 'secret-token',
        AWS_LAMBDA_FUNCTION_NAME: FN,
        TAPLINE_BATCH_LINGER_MS: '60000',
      },
      listenPort: 0,
      logger: recordingWarnings,
    });
    proxy = `127.0.0.1:${ext.proxyPort}`;
    await api.registered;
  });
  afterAll(async () => {
    await ext.stop(0);
    await api.close();
    await collector.close();
  });

  async function runInvocation(
    event: Buffer | string,
    respond: (id: string) => Promise<unknown>,
  ): Promise<number> {
    const inv = api.invoke(event);
    const next = await rawRequest(proxy, { method: 'GET', path: '/2018-06-01/runtime/invocation/next' });
    expect(header(next.rawHeaders, 'Lambda-Runtime-Aws-Request-Id')).toBe(inv.requestId);
    await respond(inv.requestId);
    await inv.result;
    return inv.cycle;
  }

  it('registers as "tapline" for INVOKE and SHUTDOWN', () => {
    expect(api.registrations[0]).toEqual({ name: 'tapline', body: '{"events":["INVOKE","SHUTDOWN"]}' });
  });

  it('covers every fixture event', () => {
    expect(FIXTURE_SCENARIOS.map((s) => s.fixture).sort()).toEqual(listEventFixtures());
  });

  for (const scenario of FIXTURE_SCENARIOS) {
    it(`mirrors ${scenario.fixture} field by field, flushed before the next invocation`, async () => {
      collector.clear();
      const fixture = loadEventFixture(scenario.fixture);
      await runInvocation(fixture.bytes, (id) =>
        rawRequest(proxy, {
          method: 'POST',
          path: `/2018-06-01/runtime/invocation/${id}/response`,
          headers: { 'content-type': 'application/json' },
          body: scenario.response,
        }),
      );
      // The boundary flush happened before the extension called event/next: the record is already there.
      expect(collector.records).toHaveLength(scenario.records ?? 1);
      expect(collector.decodeErrors).toEqual([]);
      scenario.checkRequest(collector.records[0]!, FN);
      scenario.checkResponse(collector.records[0]!);
      scenario.checkAll?.(collector.records);
      // Every record says how the invocation went and which function served it.
      for (const record of collector.records) {
        expect(record.performance).toMatchObject({ outcome: 'ok', coldStart: expect.any(Boolean) });
        expect(record.performance!.durationMs).toBeGreaterThanOrEqual(0);
        expect(record.lambdaFunction).toEqual({ name: 'fake' });
      }
      const batch = collector.batches[0]!;
      expect(batch.headers.authorization).toBe('secret-token');
      expect(batch.headers['x-api-key']).toBe('secret-token');
      const wire = batch.rawRecords[0] as Record<string, unknown>;
      expect(wire).toMatchObject({
        akto_account_id: '1000000',
        akto_vxlan_id: '0',
        is_pending: 'false',
        source: 'MIRRORING',
      });
      for (const value of Object.values(wire)) expect(typeof value).toBe('string');
    });
  }

  /** Runs one invocation whose result the fake Runtime API answers with `status`; returns that answer. */
  async function refusedInvocation(
    status: number,
    body: string | Buffer,
    options: { eventHeaders?: Record<string, string>; resultHeaders?: Record<string, string> } = {},
  ): Promise<number> {
    api.rejectResultsWith = status;
    try {
      const inv = api.invoke('{"refused":true}', options.eventHeaders);
      await rawRequest(proxy, { method: 'GET', path: '/2018-06-01/runtime/invocation/next' });
      const res = await rawRequest(proxy, {
        method: 'POST',
        path: `/2018-06-01/runtime/invocation/${inv.requestId}/response`,
        ...(options.resultHeaders !== undefined ? { headers: options.resultHeaders } : {}),
        body,
      });
      await inv.cycle;
      return res.status;
    } finally {
      api.rejectResultsWith = undefined;
    }
  }

  // Lambda refuses a buffered result over 6 MB, one for an invocation past its deadline, and one that
  // echoes another invocation's id. The proxy sees each of these coming, waits for the Runtime API's
  // answer and mirrors nothing when it is a refusal: the caller never saw that result.
  it('does not mirror a result over 6 MB that the Runtime API refuses (413)', async () => {
    collector.clear();
    const status = await refusedInvocation(413, Buffer.alloc(6 * 1024 * 1024 + 1, 'x'));
    expect(status).toBe(413);
    expect(collector.records).toHaveLength(0);
  });

  it('does not mirror a result posted after the invocation deadline that the Runtime API refuses', async () => {
    collector.clear();
    const status = await refusedInvocation(410, '{"late":true}', {
      eventHeaders: { 'Lambda-Runtime-Deadline-Ms': String(Date.now() - 1) },
    });
    expect(status).toBe(410);
    expect(collector.records).toHaveLength(0);
  });

  it('does not mirror a result echoing another invocation id that the Runtime API refuses', async () => {
    collector.clear();
    const status = await refusedInvocation(410, '{"stale":true}', {
      resultHeaders: { 'Lambda-Runtime-Invocation-Id': 'inv-of-an-earlier-invocation' },
    });
    expect(status).toBe(410);
    expect(collector.records).toHaveLength(0);
  });

  it('still mirrors a result over 6 MB that the Runtime API accepts, once it has answered', async () => {
    collector.clear();
    api.answerResultsAfterMs = 200;
    let res: { status: number };
    const inv = api.invoke('{"big":true}');
    try {
      await rawRequest(proxy, { method: 'GET', path: '/2018-06-01/runtime/invocation/next' });
      res = await rawRequest(proxy, {
        method: 'POST',
        path: `/2018-06-01/runtime/invocation/${inv.requestId}/response`,
        body: Buffer.alloc(6 * 1024 * 1024 + 1, 'y'),
      });
    } finally {
      api.answerResultsAfterMs = undefined;
    }
    expect(res.status).toBe(202);
    await inv.cycle;
    // It waited for the answer: event/next came after it.
    expect(api.eventNextCalls.at(-1)!).toBeGreaterThanOrEqual(api.resultAnswers.at(-1)!);
    expect(collector.records).toHaveLength(1);
    expect(collector.records[0]?.responsePayload).toMatch(/^y+…\[truncated by tapline: 6291457 bytes\]$/);
  });

  it('mirrors any other result as it goes upstream: flushed, then event/next, while the Runtime API is still answering', async () => {
    collector.clear();
    api.answerResultsAfterMs = 1000;
    try {
      const inv = api.invoke('{"slow":"answer"}');
      await rawRequest(proxy, { method: 'GET', path: '/2018-06-01/runtime/invocation/next' });
      const answered = api.resultAnswers.length;
      const calls = api.eventNextCalls.length;
      const posted = rawRequest(proxy, {
        method: 'POST',
        path: `/2018-06-01/runtime/invocation/${inv.requestId}/response`,
        body: '{"ok":true}',
      });
      await vi.waitFor(() => expect(api.eventNextCalls).toHaveLength(calls + 1), { timeout: 800 });
      expect(api.resultAnswers).toHaveLength(answered);
      expect(collector.records).toHaveLength(1);
      expect((await posted).status).toBe(202);
      await inv.cycle;
    } finally {
      api.answerResultsAfterMs = undefined;
    }
  });

  it('mirrors any other result as it goes upstream, and warns if the Runtime API then refuses it', async () => {
    collector.clear();
    warnings.length = 0;
    // Not a refusal Lambda makes of a 1 KB result; a broken Runtime API could. The record went out
    // before the answer (that overlap is what keeps the flush short), so it is counted in the log.
    const status = await refusedInvocation(500, 'x'.repeat(1000));
    expect(status).toBe(500);
    expect(collector.records).toHaveLength(1);
    expect(warnings.join('')).toContain('the Runtime API refused a result already mirrored');
  });

  it('mirrors /error invocations with status 500 and the error body', async () => {
    collector.clear();
    const body = '{"errorMessage":"no such order","errorType":"NotFound","stackTrace":[]}';
    await runInvocation(loadEventFixture('apigw-rest-v1').bytes, (id) =>
      rawRequest(proxy, {
        method: 'POST',
        path: `/2018-06-01/runtime/invocation/${id}/error`,
        headers: { 'Lambda-Runtime-Function-Error-Type': 'NotFound', 'content-type': 'application/json' },
        body,
      }),
    );
    const [record] = collector.records;
    expect(record?.statusCode).toBe(500);
    expect(record?.status).toBe('Internal Server Error');
    expect(record?.responsePayload).toBe(body);
    expect(record?.responseHeaders['lambda-runtime-function-error-type']).toBe('NotFound');
    expect(record?.path).toBe('/users/42?expand=orders&limit=10');
  });
});

describe('TAPLINE_FLUSH_EACH_INVOKE=false', () => {
  it('holds records until a batch is due or SHUTDOWN, and calls event/next without waiting for the Runtime API', async () => {
    const stack = await startStack({
      TAPLINE_FLUSH_EACH_INVOKE: 'false',
      TAPLINE_BATCH_SIZE: '3',
      TAPLINE_BATCH_LINGER_MS: '60000',
    });
    const { api, collector, ext, proxy } = stack;
    const invocation = async (n: number) => {
      const inv = api.invoke(`{"n":${n}}`);
      await rawRequest(proxy, { method: 'GET', path: '/2018-06-01/runtime/invocation/next' });
      const calls = api.eventNextCalls.length;
      const posted = rawRequest(proxy, {
        method: 'POST',
        path: `/2018-06-01/runtime/invocation/${inv.requestId}/response`,
        body: `{"n":${n}}`,
      });
      return { inv, calls, posted };
    };
    try {
      api.answerResultsAfterMs = 1000;
      const first = await invocation(1);
      await vi.waitFor(() => expect(api.eventNextCalls).toHaveLength(first.calls + 1), { timeout: 800 });
      expect(api.resultAnswers).toHaveLength(0);
      await first.posted;
      await first.inv.cycle;
      api.answerResultsAfterMs = undefined;
      const second = await invocation(2);
      await second.posted;
      await second.inv.cycle;
      expect(collector.records).toHaveLength(0);
      const third = await invocation(3);
      await third.posted;
      await vi.waitFor(() => expect(collector.records).toHaveLength(3));
      const fourth = await invocation(4);
      await fourth.posted;
      await fourth.inv.cycle;
      expect(collector.records).toHaveLength(3);
      api.shutdown();
      expect(await ext.done).toBe('shutdown');
      expect(collector.records.map((r) => r.responsePayload)).toEqual([
        '{"n":1}',
        '{"n":2}',
        '{"n":3}',
        '{"n":4}',
      ]);
    } finally {
      await stack.close();
    }
  });
});

describe('settings: sampling, masking, truncation, disabled mirroring', () => {
  it('masks configured headers, truncates large bodies with a marker, and sends nothing at sample rate 0', async () => {
    const stack = await startStack({
      TAPLINE_MASK_HEADERS: 'authorization, x-api-key',
      TAPLINE_MAX_BODY_BYTES: '16',
    });
    const { api, collector, proxy } = stack;
    try {
      const inv = api.invoke(loadEventFixture('apigw-rest-v1').bytes);
      await rawRequest(proxy, { method: 'GET', path: '/2018-06-01/runtime/invocation/next' });
      await rawRequest(proxy, {
        method: 'POST',
        path: `/2018-06-01/runtime/invocation/${inv.requestId}/response`,
        body: JSON.stringify({ statusCode: 200, headers: { 'x-api-key': 'k-123' }, body: 'x'.repeat(100) }),
      });
      await inv.cycle;
      const [r] = collector.records;
      expect(r?.requestHeaders.Authorization).toBe('Bearer ****');
      expect(r?.responseHeaders['x-api-key']).toBe('****');
      expect(r?.responsePayload).toBe(`${'x'.repeat(16)}…[truncated by tapline: 100 bytes]`);
    } finally {
      await stack.close();
    }
  });

  it('proxies but mirrors nothing when the URL is unset, and says so once', async () => {
    const api = await FakeRuntimeApi.start();
    const lines: string[] = [];
    const ext = await startExtension({
      env: { AWS_LAMBDA_RUNTIME_API: api.hostPort, LRAP_LISTENER_PORT: 'not-a-port' },
      listenPort: 0,
      logger: createLogger({ write: (l) => lines.push(l) }),
    });
    try {
      await api.registered;
      for (let i = 0; i < 3; i += 1) {
        const inv = api.invoke('{"x":1}');
        const next = await rawRequest(`127.0.0.1:${ext.proxyPort}`, {
          method: 'GET',
          path: '/2018-06-01/runtime/invocation/next',
        });
        expect(next.body.toString()).toBe('{"x":1}');
        await rawRequest(`127.0.0.1:${ext.proxyPort}`, {
          method: 'POST',
          path: `/2018-06-01/runtime/invocation/${inv.requestId}/response`,
          body: 'ok',
        });
        await inv.cycle;
      }
      expect(ext.stats()).toBeUndefined();
      expect(lines.filter((l) => l.includes('mirroring disabled'))).toHaveLength(1);
      expect(lines.filter((l) => l.includes('LRAP_LISTENER_PORT'))).toHaveLength(1);
      expect(lines.filter((l) => l.includes('tapline extension started'))).toHaveLength(1);
    } finally {
      await ext.stop(0);
      await api.close();
    }
  });

  it('flushes what is pending on SHUTDOWN and ends the loop', async () => {
    const stack = await startStack({ TAPLINE_FLUSH_TIMEOUT_MS: '20' }, { fault: { kind: 'slow', ms: 150 } });
    const { api, collector, ext, proxy } = stack;
    try {
      const inv = api.invoke('[1]');
      await rawRequest(proxy, {
        method: 'GET',
        path: '/2018-06-01/runtime/invocation/next',
      });
      await rawRequest(proxy, {
        method: 'POST',
        path: `/2018-06-01/runtime/invocation/${inv.requestId}/response`,
        body: '[2]',
      });
      await inv.cycle; // the 20 ms budget is too short for a 150 ms collector: the record stays queued
      expect(collector.records).toHaveLength(0);
      api.shutdown(Date.now() + 2000);
      expect(await ext.done).toBe('shutdown');
      expect(collector.records).toHaveLength(1);
      expect(collector.records[0]?.requestPayload).toBe('[1]');
    } finally {
      await stack.close();
    }
  });
});
