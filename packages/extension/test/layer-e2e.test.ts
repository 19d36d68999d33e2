import { rmSync } from 'node:fs';
import path from 'node:path';
import { LambdaEmulator, minimalRuntime, ricRuntime } from '@tapline/lambda-emulator';
import { type CollectorFault, InMemoryCollector, loadEventFixture } from '@tapline/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltLayer } from '../src/layer/build-layer.js';
import { header, rawRequest } from './helpers/fake-runtime-api.js';
import { FIXTURE_SCENARIOS } from './helpers/fixture-scenarios.js';
import { buildTestLayer, freePort, functionDir, layerEnv } from './helpers/layer-env.js';

const FN = 'shop-api';
let layer: BuiltLayer;

beforeAll(async () => {
  layer = await buildTestLayer();
});
afterAll(() => {
  rmSync(path.dirname(layer.layerDir), { recursive: true, force: true });
});

async function withEmulator<T>(
  handlerDir: string,
  collector: InMemoryCollector,
  extraEnv: Record<string, string>,
  body: (emulator: LambdaEmulator) => Promise<T>,
): Promise<T> {
  const port = await freePort();
  const emulator = await LambdaEmulator.start({
    functionName: FN,
    layerDir: layer.layerDir,
    env: layerEnv(layer, port, { AKTO_MIRRORING_URL: collector.url, ...extraEnv }),
    runtime: ricRuntime(handlerDir, 'index.handler'),
    timeoutMs: 10_000,
  });
  try {
    expect(emulator.registeredExtensions).toContain('tapline');
    return await body(emulator);
  } finally {
    await emulator.shutdown({ deadlineMs: 1000 });
  }
}

const HANDLER_FOR: Record<string, string> = {
  'apigw-rest-v1': 'proxy-integration',
  'apigw-http-v2': 'proxy-integration',
  'function-url': 'proxy-integration',
  alb: 'proxy-integration',
  'appsync-js': 'appsync-resolver',
  'appsync-vtl': 'appsync-resolver',
  'direct-invoke': 'echo',
  'array-event': 'echo',
};

describe('end to end: emulator + built layer + aws-lambda-ric + in-memory collector', () => {
  for (const handlerName of [...new Set(Object.values(HANDLER_FOR))]) {
    const scenarios = FIXTURE_SCENARIOS.filter((s) => HANDLER_FOR[s.fixture] === handlerName);
    it(`mirrors ${scenarios.map((s) => s.fixture).join(', ')} through the ${handlerName} handler`, async () => {
      const collector = await InMemoryCollector.start();
      try {
        await withEmulator(functionDir(handlerName), collector, {}, async (emulator) => {
          for (const scenario of scenarios) {
            collector.clear();
            const fixture = loadEventFixture(scenario.fixture);
            const result = await emulator.invoke(fixture.bytes);
            expect(result.outcome).toBe('response');
            // Flushed at the invocation boundary, before the extension called event/next.
            expect(collector.records).toHaveLength(1);
            const record = collector.records[0]!;
            scenario.checkRequest(record, FN);
            const answered = result.body.toString('utf8');
            if (handlerName === 'proxy-integration') {
              const proxied = JSON.parse(answered) as { body: string; headers: Record<string, string> };
              expect(record.statusCode).toBe(201);
              expect(record.responsePayload).toBe(proxied.body);
              expect(record.responseHeaders['x-request-id']).toBe(result.requestId);
              expect(record.responseHeaders['x-multi']).toBe('a, b');
              expect(record.responseHeaders['set-cookie']).toBe(
                'session=abc123; Path=/; HttpOnly, theme=dark',
              );
            } else if (handlerName === 'appsync-resolver') {
              const field = (fixture.json as { field: string }).field;
              expect(record.responsePayload).toBe(`{"data":{${JSON.stringify(field)}:${answered}}}`);
              expect(record.statusCode).toBe(200);
            } else {
              expect(record.responsePayload).toBe(answered);
              expect(record.statusCode).toBe(200);
            }
          }
        });
      } finally {
        await collector.close();
      }
    });
  }

  it('records what the platform says: routes, stages, platform auth, performance and the function', async () => {
    const expected: Record<string, { handler: string; path: string; route?: string; auth: string[] }> = {
      'appsync-direct-query': { handler: 'appsync-resolver', path: '/graphql', auth: ['COGNITO'] },
      'appsync-direct-mutation': { handler: 'appsync-resolver', path: '/graphql', auth: ['IAM'] },
      'appsync-direct-lambda-authorizer': {
        handler: 'appsync-resolver',
        path: '/graphql',
        auth: ['LAMBDA_AUTHORIZER'],
      },
      'appsync-direct-api-key': { handler: 'appsync-resolver', path: '/graphql', auth: ['API_KEY'] },
      'apigw-rest-cognito': {
        handler: 'proxy-integration',
        path: '/orders/ord-1842',
        route: '/orders/{orderId}',
        auth: ['COGNITO'],
      },
      'apigw-rest-iam': {
        handler: 'proxy-integration',
        path: '/reports/2026/11?format=csv',
        route: '/reports/{year}/{month}',
        auth: ['IAM', 'API_KEY'],
      },
      'apigw-http-jwt': {
        handler: 'proxy-integration',
        path: '/users/u-1001/orders?status=open',
        route: '/users/{userId}/orders',
        auth: ['OIDC'],
      },
      'apigw-http-lambda-authorizer': {
        handler: 'proxy-integration',
        path: '/items/5f8d0d55b54764421b7156c9',
        route: '/items/{itemId}',
        auth: ['LAMBDA_AUTHORIZER'],
      },
      'apigw-http-default-route': {
        handler: 'proxy-integration',
        path: '/catalog/books/978-3-16-148410-0?lang=en',
        auth: [],
      },
    };
    for (const handlerName of ['appsync-resolver', 'proxy-integration']) {
      const collector = await InMemoryCollector.start();
      try {
        await withEmulator(functionDir(handlerName), collector, {}, async (emulator) => {
          let first = true;
          for (const [fixture, want] of Object.entries(expected)) {
            if (want.handler !== handlerName) continue;
            collector.clear();
            const result = await emulator.invoke(loadEventFixture(fixture).bytes);
            expect(result.outcome).toBe('response');
            expect(collector.records).toHaveLength(1);
            const record = collector.records[0]!;
            expect(record.path, fixture).toBe(want.path);
            expect(record.declaredRoute, fixture).toBe(want.route);
            expect(
              (record.platformAuth ?? []).map((a) => a.type),
              fixture,
            ).toEqual(want.auth);
            expect(record.lambdaFunction).toEqual({ name: FN, qualifier: '$LATEST' });
            const perf = record.performance!;
            expect(perf.outcome).toBe('ok');
            expect(perf.coldStart, fixture).toBe(first);
            expect(perf.durationMs).toBeGreaterThan(0);
            // The same interval seen from two processes: the emulator's includes the transfers, the
            // extension's may include its own event-loop lag on a loaded machine.
            expect(perf.durationMs).toBeLessThanOrEqual(result.timings.responseMs + 50);
            if (first) expect(perf.initDurationMs).toBeGreaterThan(perf.durationMs);
            else expect(perf.initDurationMs).toBeUndefined();
            if (handlerName === 'appsync-resolver') {
              const body = JSON.parse(record.responsePayload) as { data: Record<string, unknown> };
              expect(Object.keys(body.data)).toEqual([JSON.parse(record.requestPayload).operationName]);
            }
            first = false;
          }
          // BatchInvoke: one record per item, each paired with its own result.
          collector.clear();
          if (handlerName === 'appsync-resolver') {
            await emulator.invoke(loadEventFixture('appsync-direct-batch').bytes);
            expect(collector.records.map((r) => [r.path, JSON.parse(r.responsePayload)])).toEqual([
              ['/graphql/Post/author', { data: { author: { name: 'Ada', email: 'ada@example.com' } } }],
              ['/graphql/Post/author', { data: { author: { name: 'Grace', email: 'grace@example.com' } } }],
            ]);
          }
        });
      } finally {
        await collector.close();
      }
    }
  });

  it('mirrors an invocation that timed out, at its deadline, with outcome timeout', async () => {
    const collector = await InMemoryCollector.start();
    try {
      await withEmulator(functionDir('slow'), collector, {}, async (emulator) => {
        const event = { ...(loadEventFixture('apigw-http-jwt').json as object), delayMs: 1500 };
        const result = await emulator.invoke(Buffer.from(JSON.stringify(event)), { timeoutMs: 300 });
        expect(result.outcome).toBe('timeout');
        await new Promise((r) => setTimeout(r, 100));
        const [record] = collector.records;
        expect(record?.performance?.outcome).toBe('timeout');
        expect(record?.performance?.durationMs).toBeGreaterThanOrEqual(250);
        expect(record?.statusCode).toBe(504);
        expect(record?.declaredRoute).toBe('/users/{userId}/orders');
      });
    } finally {
      await collector.close();
    }
  });

  it('mirrors a thrown error as status 500 with the error body', async () => {
    const collector = await InMemoryCollector.start();
    try {
      await withEmulator(functionDir('throws'), collector, {}, async (emulator) => {
        const result = await emulator.invoke(loadEventFixture('apigw-rest-v1').bytes);
        expect(result.outcome).toBe('error');
        expect(result.errorType).toMatch(/ValidationError/);
        const [record] = collector.records;
        expect(record?.statusCode).toBe(500);
        expect(record?.responsePayload).toBe(result.body.toString('utf8'));
        expect(record?.path).toBe('/users/42?expand=orders&limit=10');
      });
    } finally {
      await collector.close();
    }
  });

  it('passes streamed responses through and mirrors them, including a stream that fails midway', async () => {
    const collector = await InMemoryCollector.start();
    try {
      await withEmulator(functionDir('streaming'), collector, {}, async (emulator) => {
        const ok = await emulator.invoke({ chunks: 3 });
        expect(ok.outcome).toBe('response');
        expect(ok.streamed).toBe(true);
        expect(ok.body.toString()).toBe('chunk-0\nchunk-1\nchunk-2\n');
        expect(collector.records[0]?.responsePayload).toBe('chunk-0\nchunk-1\nchunk-2\n');
        expect(collector.records[0]?.statusCode).toBe(200);
        collector.clear();
        const failed = await emulator.invoke({ chunks: 1, fail: true });
        expect(failed.outcome).toBe('error');
        expect(collector.records[0]?.statusCode).toBe(500);
        expect(collector.records[0]?.responseHeaders['lambda-runtime-function-error-type']).toBe(
          failed.errorType,
        );
      });
    } finally {
      await collector.close();
    }
  });

  it('handles several invocations in flight (multi-concurrency runtime), pairing each event with its result', async () => {
    const collector = await InMemoryCollector.start();
    const port = await freePort();
    const emulator = await LambdaEmulator.start({
      functionName: FN,
      layerDir: layer.layerDir,
      env: layerEnv(layer, port, { AKTO_MIRRORING_URL: collector.url, AWS_LAMBDA_MAX_CONCURRENCY: '4' }),
      runtime: minimalRuntime(functionDir('slow'), 'index.handler'),
    });
    try {
      const delays = [90, 20, 70, 40, 110, 30, 60, 50];
      const results = await Promise.all(delays.map((delayMs) => emulator.invoke({ delayMs })));
      for (const [i, r] of results.entries()) {
        expect(r.outcome).toBe('response');
        expect(JSON.parse(r.body.toString())).toEqual({ sleptMs: delays[i] });
      }
      await emulator.shutdown({ deadlineMs: 2000 });
      expect(collector.records).toHaveLength(delays.length);
      for (const record of collector.records) {
        const { delayMs } = JSON.parse(record.requestPayload) as { delayMs: number };
        expect(JSON.parse(record.responsePayload)).toEqual({ sleptMs: delayMs });
      }
    } finally {
      await emulator.shutdown({ deadlineMs: 1000 });
      await collector.close();
    }
  });

  it('passes the direct-invoke bytes to a hand-driven runtime and back byte-identically', async () => {
    const collector = await InMemoryCollector.start();
    const port = await freePort();
    const emulator = await LambdaEmulator.start({
      functionName: FN,
      layerDir: layer.layerDir,
      env: layerEnv(layer, port, { AKTO_MIRRORING_URL: collector.url }),
    });
    try {
      const fixture = loadEventFixture('direct-invoke');
      const proxy = `127.0.0.1:${port}`;
      const nextPromise = rawRequest(proxy, { method: 'GET', path: '/2018-06-01/runtime/invocation/next' });
      const invoked = emulator.invoke(fixture.bytes);
      const next = await nextPromise;
      expect(next.body.equals(fixture.bytes)).toBe(true);
      const id = header(next.rawHeaders, 'Lambda-Runtime-Aws-Request-Id')!;
      const posted = await rawRequest(proxy, {
        method: 'POST',
        path: `/2018-06-01/runtime/invocation/${id}/response`,
        headers: { 'content-type': 'application/json' },
        body: fixture.bytes,
      });
      expect(posted.status).toBe(202);
      const result = await invoked;
      expect(result.body.equals(fixture.bytes)).toBe(true);
      expect(collector.records[0]?.requestPayload).toBe(fixture.text);
      expect(collector.records[0]?.responsePayload).toBe(fixture.text);
    } finally {
      await emulator.shutdown({ deadlineMs: 1000 });
      await collector.close();
    }
  });

  const BUDGET = 200;
  const faults: [string, CollectorFault][] = [
    ['refused', { kind: 'refuse' }],
    ['stalled', { kind: 'stall' }],
    ['slow', { kind: 'slow', ms: 1500 }],
    ['5xx', { kind: 'status', status: 503 }],
    ['TLS-failing', { kind: 'tls-fail' }],
  ];
  for (const [name, fault] of faults) {
    it(`a ${name} collector fails no invocation and costs at most the budget + 50 ms after the response`, async () => {
      const collector = await InMemoryCollector.start({ fault });
      try {
        await withEmulator(
          functionDir('proxy-integration'),
          collector,
          { TAPLINE_FLUSH_TIMEOUT_MS: String(BUDGET) },
          async (emulator) => {
            for (let i = 0; i < 4; i += 1) {
              const result = await emulator.invoke(loadEventFixture('apigw-http-v2').bytes);
              expect(result.outcome).toBe('response');
              expect(result.timings.postResponseMs).toBeLessThanOrEqual(BUDGET + 50);
            }
          },
        );
      } finally {
        await collector.close();
      }
    });
  }

  it('exits cleanly on SHUTDOWN after flushing', async () => {
    const collector = await InMemoryCollector.start();
    const port = await freePort();
    const emulator = await LambdaEmulator.start({
      functionName: FN,
      layerDir: layer.layerDir,
      env: layerEnv(layer, port, { AKTO_MIRRORING_URL: collector.url, TAPLINE_FLUSH_TIMEOUT_MS: '0' }),
      runtime: ricRuntime(functionDir('echo'), 'index.handler'),
    });
    await emulator.invoke({ hello: 'world' });
    expect(collector.records).toHaveLength(0); // a zero budget leaves it queued
    const shutdown = await emulator.shutdown({ deadlineMs: 2000 });
    expect(shutdown.extensionsExitedCleanly).toBe(true);
    expect(collector.records).toHaveLength(1);
    expect(emulator.logs()).toContain('tapline extension started');
    await collector.close();
  });
});
