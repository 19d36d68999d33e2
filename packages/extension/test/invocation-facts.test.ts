import { InMemoryCollector, loadEventFixture } from '@tapline/testkit';
import { describe, expect, it } from 'vitest';
import { startExtension } from '../src/extension.js';
import { functionRefOf } from '../src/function-ref.js';
import { createLogger } from '../src/logger.js';
import { FakeRuntimeApi, rawRequest } from './helpers/fake-runtime-api.js';

const quiet = createLogger({ level: 'error', write: () => {} });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fake Runtime API, an in-memory collector and the extension between them. */
async function withStack(env: Record<string, string>, body: (s: Stack) => Promise<void>): Promise<void> {
  const api = await FakeRuntimeApi.start();
  const collector = await InMemoryCollector.start();
  const ext = await startExtension({
    env: { AWS_LAMBDA_RUNTIME_API: api.hostPort, AKTO_MIRRORING_URL: collector.url, ...env },
    listenPort: 0,
    logger: quiet,
  });
  await api.registered;
  const proxy = `127.0.0.1:${ext.proxyPort}`;
  try {
    await body({
      collector,
      async invoke(event, options = {}) {
        const inv = api.invoke(event, options.headers ?? {});
        await rawRequest(proxy, { method: 'GET', path: '/2018-06-01/runtime/invocation/next' });
        if (options.handlerMs !== undefined) await sleep(options.handlerMs);
        const kind = options.error === undefined ? 'response' : 'error';
        await rawRequest(proxy, {
          method: 'POST',
          path: `/2018-06-01/runtime/invocation/${inv.requestId}/${kind}`,
          headers: {
            'content-type': 'application/json',
            ...(options.error !== undefined ? { 'Lambda-Runtime-Function-Error-Type': 'Error' } : {}),
          },
          body: options.error ?? options.response ?? '{}',
        });
        await inv.cycle;
      },
    });
  } finally {
    await ext.stop(0);
    await api.close();
    await collector.close();
  }
}

interface Stack {
  collector: InMemoryCollector;
  invoke(
    event: string | Buffer,
    options?: { headers?: Record<string, string>; handlerMs?: number; response?: string; error?: string },
  ): Promise<void>;
}

describe('performance fields', () => {
  it('measure the handler, mark only the first invocation as the cold start, with the init duration', async () => {
    await withStack({ AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' }, async ({ collector, invoke }) => {
      await invoke('{"n":1}', { handlerMs: 60 });
      await invoke('{"n":2}', { handlerMs: 5 });
      const [first, second] = collector.records;
      expect(first?.performance).toMatchObject({ coldStart: true, outcome: 'ok' });
      expect(first!.performance!.durationMs).toBeGreaterThanOrEqual(55);
      expect(first!.performance!.durationMs).toBeLessThan(2000);
      // Extension start → the runtime's first invocation/next, in this process's own clock.
      expect(first!.performance!.initDurationMs).toBeGreaterThan(0);
      expect(second?.performance).toMatchObject({ coldStart: false, outcome: 'ok' });
      expect(second!.performance!.initDurationMs).toBeUndefined();
      expect(second!.performance!.durationMs).toBeLessThan(first!.performance!.durationMs);
    });
  });

  it('report no cold start for provisioned concurrency (initialised before any caller waited)', async () => {
    await withStack(
      { AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency' },
      async ({ collector, invoke }) => {
        await invoke('{"n":1}');
        expect(collector.records[0]?.performance).toMatchObject({ coldStart: false });
        expect(collector.records[0]?.performance?.initDurationMs).toBeUndefined();
      },
    );
  });

  it('say function_error for /error, and an AppSync direct resolver error is the GraphQL error the client saw', async () => {
    await withStack({}, async ({ collector, invoke }) => {
      await invoke(loadEventFixture('appsync-direct-query').bytes, {
        error: '{"errorMessage":"post is locked","errorType":"LockedError","stackTrace":[]}',
      });
      const [record] = collector.records;
      expect(record?.performance?.outcome).toBe('function_error');
      expect(record?.statusCode).toBe(200);
      expect(JSON.parse(record!.responsePayload)).toEqual({
        data: { getPost: null },
        errors: [{ message: 'post is locked', errorType: 'LockedError', path: ['getPost'] }],
      });
    });
  });
});

describe('function and qualifier', () => {
  it('come from the invoked ARN, the running version when it has no qualifier', async () => {
    await withStack({ AWS_LAMBDA_FUNCTION_VERSION: '7' }, async ({ collector, invoke }) => {
      const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api';
      await invoke('{}', { headers: { 'Lambda-Runtime-Invoked-Function-Arn': `${arn}:live` } });
      await invoke('{}', { headers: { 'Lambda-Runtime-Invoked-Function-Arn': arn } });
      expect(collector.records.map((r) => r.lambdaFunction)).toEqual([
        { name: 'orders-api', qualifier: 'live' },
        { name: 'orders-api', qualifier: '7' },
      ]);
    });
  });

  it('fall back to the configured name for an ARN that is not a function ARN', () => {
    expect(functionRefOf('garbage', 'fn', undefined)).toEqual({ name: 'fn' });
    expect(functionRefOf(undefined, 'fn', '$LATEST')).toEqual({ name: 'fn', qualifier: '$LATEST' });
    expect(functionRefOf('arn:aws:lambda:us-east-1:1:function:a:3', 'fn', '$LATEST')).toEqual({
      name: 'a',
      qualifier: '3',
    });
  });
});

describe('AppSync BatchInvoke', () => {
  it('pairs each item with its result, per-item errors as GraphQL errors, missing items null', async () => {
    await withStack({}, async ({ collector, invoke }) => {
      const items = loadEventFixture('appsync-direct-batch').json as unknown[];
      const three = JSON.stringify([...items, items[0]]);
      await invoke(three, {
        response: '[{"name":"Ada"},{"data":null,"errorMessage":"no such author","errorType":"NotFound"}]',
      });
      expect(collector.records.map((r) => JSON.parse(r.responsePayload))).toEqual([
        { data: { author: { name: 'Ada' } } },
        {
          data: { author: null },
          errors: [{ message: 'no such author', errorType: 'NotFound', path: ['author'] }],
        },
        { data: { author: null } },
      ]);
      expect(collector.records.every((r) => r.performance?.outcome === 'ok')).toBe(true);
    });
  });

  it('fails every item when the invocation fails', async () => {
    await withStack({}, async ({ collector, invoke }) => {
      await invoke(loadEventFixture('appsync-direct-batch').bytes, {
        error: '{"errorMessage":"boom","errorType":"Error"}',
      });
      expect(collector.records).toHaveLength(2);
      for (const r of collector.records) {
        expect(JSON.parse(r.responsePayload).errors[0]).toMatchObject({ message: 'boom', path: ['author'] });
        expect(r.performance?.outcome).toBe('function_error');
      }
    });
  });
});
