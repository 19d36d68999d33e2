import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemoryCollector, loadEventFixture } from '@tapline/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningExtension, startExtension } from '../src/extension.js';
import { createLogger } from '../src/logger.js';
import { FakeRuntimeApi, header, rawRequest } from './helpers/fake-runtime-api.js';

const quiet = createLogger({ level: 'error', write: () => {} });

/** Header pairs the runtime sent, minus those a proxy must own (connection management). */
function endToEndHeaders(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!/^(connection|keep-alive)$/i.test(raw[i]!)) out.push([raw[i]!, raw[i + 1]!]);
  }
  return out;
}

describe('runtime proxy: byte-for-byte forwarding', () => {
  let api: FakeRuntimeApi;
  let collector: InMemoryCollector;
  let ext: RunningExtension;
  let proxy: string;

  beforeEach(async () => {
    api = await FakeRuntimeApi.start();
    collector = await InMemoryCollector.start();
    ext = await startExtension({
      env: {
        AWS_LAMBDA_RUNTIME_API: api.hostPort,
        AKTO_MIRRORING_URL: collector.url,
        AWS_LAMBDA_FUNCTION_NAME: 'orders',
      },
      listenPort: 0,
      register: false,
      logger: quiet,
    });
    proxy = `127.0.0.1:${ext.proxyPort}`;
  });
  afterEach(async () => {
    await ext.stop(0);
    await api.close();
    await collector.close();
  });

  it('passes invocation/next and /response through with identical bytes, status and headers', async () => {
    const fixture = loadEventFixture('direct-invoke');
    const { requestId, result } = api.invoke(fixture.bytes);
    const next = await rawRequest(proxy, { method: 'GET', path: '/2018-06-01/runtime/invocation/next' });
    expect(next.status).toBe(200);
    expect(next.body.equals(fixture.bytes)).toBe(true);
    expect(header(next.rawHeaders, 'Lambda-Runtime-Aws-Request-Id')).toBe(requestId);
    expect(header(next.rawHeaders, 'Lambda-Runtime-Invocation-Id')).toBe(`inv-${requestId}`);
    expect(header(next.rawHeaders, 'Content-Type')).toBe('application/json');

    const sent = [
      'Host',
      proxy,
      'Content-Type',
      'application/json',
      'Lambda-Runtime-Invocation-Id',
      `inv-${requestId}`,
      'X-Custom-Thing',
      'Keep THIS case',
      'Content-Length',
      String(fixture.bytes.length),
    ];
    const answer = await rawRequest(proxy, {
      method: 'POST',
      path: `/2018-06-01/runtime/invocation/${requestId}/response`,
      headers: sent,
      body: fixture.bytes,
    });
    expect(answer.status).toBe(202);
    expect(answer.body.toString()).toBe('{"status":"OK"}');
    expect(header(answer.rawHeaders, 'x-fake-upstream')).toBe('yes');
    const upstream = await result;
    expect(upstream.body.equals(fixture.bytes)).toBe(true);
    const got = endToEndHeaders(upstream.rawHeaders);
    for (let i = 0; i < sent.length; i += 2) expect(got).toContainEqual([sent[i], sent[i + 1]]);
    expect(upstream.body.toString()).toContain('9007199254740993');
    expect(upstream.body.toString()).toContain('<b>ships</b> & bills');
  });

  it('forwards /error with its error-type header and body', async () => {
    const { requestId, result } = api.invoke('{}');
    await rawRequest(proxy, { method: 'GET', path: '/2018-06-01/runtime/invocation/next' });
    const body = '{"errorMessage":"boom","errorType":"Error","stackTrace":["at x"]}';
    const answer = await rawRequest(proxy, {
      method: 'POST',
      path: `/2018-06-01/runtime/invocation/${requestId}/error`,
      headers: {
        'Lambda-Runtime-Function-Error-Type': 'Runtime.HandlerError',
        'Content-Type': 'application/json',
      },
      body,
    });
    expect(answer.status).toBe(202);
    const upstream = await result;
    expect(upstream.url).toBe(`/2018-06-01/runtime/invocation/${requestId}/error`);
    expect(header(upstream.rawHeaders, 'Lambda-Runtime-Function-Error-Type')).toBe('Runtime.HandlerError');
    expect(upstream.body.toString()).toBe(body);
  });

  it('forwards unknown and restore routes with the upstream status, headers and body', async () => {
    api.unknownRoute = { status: 418, body: 'teapot <&>' };
    for (const [method, path] of [
      ['GET', '/2018-06-01/runtime/restore/next'],
      ['POST', '/2018-06-01/runtime/init/error'],
      ['PATCH', '/something/else?x=1&y=%20'],
    ] as const) {
      const res = await rawRequest(proxy, { method, path, body: method === 'GET' ? undefined : 'payload' });
      expect(res.status).toBe(418);
      expect(res.body.toString()).toBe('teapot <&>');
      expect(header(res.rawHeaders, 'x-unknown-route')).toBe(path);
    }
    const seen = api.received.map((r) => `${r.method} ${r.url}`);
    expect(seen).toEqual([
      'GET /2018-06-01/runtime/restore/next',
      'POST /2018-06-01/runtime/init/error',
      'PATCH /something/else?x=1&y=%20',
    ]);
    expect(api.received[1]!.body.toString()).toBe('payload');
  });

  it('forwards streamed responses with chunked encoding and error trailers', async () => {
    const { requestId, result } = api.invoke('{}');
    await rawRequest(proxy, { method: 'GET', path: '/2018-06-01/runtime/invocation/next' });
    await rawRequest(proxy, {
      method: 'POST',
      path: `/2018-06-01/runtime/invocation/${requestId}/response`,
      headers: {
        'Lambda-Runtime-Function-Response-Mode': 'streaming',
        'Transfer-Encoding': 'chunked',
        Trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
      },
      body: 'partial body',
      trailers: [
        ['Lambda-Runtime-Function-Error-Type', 'Runtime.StreamError'],
        ['Lambda-Runtime-Function-Error-Body', Buffer.from('{"errorMessage":"late"}').toString('base64')],
      ],
    });
    const upstream = await result;
    expect(upstream.body.toString()).toBe('partial body');
    expect(header(upstream.rawHeaders, 'Lambda-Runtime-Function-Response-Mode')).toBe('streaming');
    expect(header(upstream.rawTrailers, 'Lambda-Runtime-Function-Error-Type')).toBe('Runtime.StreamError');
  });

  it('keeps several invocations in flight at once, each answered to its own request id', async () => {
    const invokes = Array.from({ length: 6 }, (_, i) => api.invoke(`{"n":${i}}`));
    const nexts = await Promise.all(
      invokes.map(() => rawRequest(proxy, { method: 'GET', path: '/2018-06-01/runtime/invocation/next' })),
    );
    // Answer in reverse order, concurrently.
    await Promise.all(
      nexts.reverse().map((n) => {
        const id = header(n.rawHeaders, 'Lambda-Runtime-Aws-Request-Id')!;
        return rawRequest(proxy, {
          method: 'POST',
          path: `/2018-06-01/runtime/invocation/${id}/response`,
          body: `{"echo":${n.body.toString()}}`,
        });
      }),
    );
    for (const inv of invokes) {
      const r = await inv.result;
      const sentEvent = r.body.toString();
      expect(sentEvent).toMatch(/^\{"echo":\{"n":\d\}\}$/);
    }
    // Flushing at each invocation (the default) sends as soon as results arrive, without waiting for
    // event/next (this test never registers) or the linger timer.
    const records = await collector.waitForRecords(6, 900);
    expect(records).toHaveLength(6);
    for (const rec of records) {
      const n = JSON.parse(rec.requestPayload).n as number;
      expect(rec.responsePayload).toBe(`{"echo":{"n":${n}}}`);
    }
  });
});

describe('runtime proxy: streaming is not buffered', () => {
  it('delivers the first chunk upstream before the runtime finishes the body', async () => {
    let firstChunkSeen!: () => void;
    const firstChunk = new Promise<void>((r) => {
      firstChunkSeen = r;
    });
    const upstream = http.createServer((req, res) => {
      req.once('data', () => firstChunkSeen());
      req.on('end', () => {
        res.writeHead(202);
        res.end();
      });
      req.resume();
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const port = (upstream.address() as AddressInfo).port;
    const ext = await startExtension({
      env: { AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}` },
      listenPort: 0,
      register: false,
      logger: quiet,
    });
    try {
      const req = http.request({
        host: '127.0.0.1',
        port: ext.proxyPort,
        method: 'POST',
        path: '/2018-06-01/runtime/invocation/abc/response',
        headers: { 'Lambda-Runtime-Function-Response-Mode': 'streaming', 'Transfer-Encoding': 'chunked' },
      });
      const done = new Promise<number>((resolve) =>
        req.on('response', (res) => resolve(res.statusCode ?? 0)),
      );
      req.write('first chunk');
      await firstChunk; // would hang (test timeout) if the proxy waited for the whole body
      req.end('last chunk');
      expect(await done).toBe(202);
    } finally {
      await ext.stop(0);
      upstream.closeAllConnections();
      upstream.close();
    }
  });

  it('answers 502 with a JSON error when the upstream is down, without crashing', async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const ext = await startExtension({
      env: { AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}` },
      listenPort: 0,
      register: false,
      logger: quiet,
    });
    try {
      const res = await rawRequest(`127.0.0.1:${ext.proxyPort}`, {
        method: 'GET',
        path: '/2018-06-01/runtime/invocation/next',
      });
      expect(res.status).toBe(502);
      expect(JSON.parse(res.body.toString()).errorType).toBe('Tapline.UpstreamUnavailable');
    } finally {
      await ext.stop(0);
    }
  });
});
