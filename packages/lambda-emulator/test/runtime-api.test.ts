import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorError, LambdaEmulator, MAX_BUFFERED_PAYLOAD_BYTES } from '../src/index.js';
import { invocationPath, NEXT, type RawResponse, rawCall, sleep } from './support/raw-http.js';

// These tests play the runtime themselves over raw HTTP (no runtime process is spawned).
let emulator: LambdaEmulator | undefined;

afterEach(async () => {
  await emulator?.shutdown({ deadlineMs: 0 });
  emulator = undefined;
});

async function start(options: { timeoutMs?: number } = {}): Promise<LambdaEmulator> {
  emulator = await LambdaEmulator.start({ functionName: 'raw-fn', region: 'eu-west-1', ...options });
  return emulator;
}

const next = (em: LambdaEmulator) => rawCall(em.runtimeApi, { path: NEXT });
const post = (
  em: LambdaEmulator,
  id: string,
  kind: 'response' | 'error',
  body: Buffer | string,
  headers = {},
) => rawCall(em.runtimeApi, { method: 'POST', path: invocationPath(id, kind), body, headers });
const requestIdOf = (res: RawResponse) => res.headers['lambda-runtime-aws-request-id']!;

describe('Runtime API: invocation/next', () => {
  it('long-polls, then answers the exact event bytes with every per-invocation header', async () => {
    const em = await start({ timeoutMs: 5000 });
    const polled = next(em);
    await sleep(50); // the poll is parked before the invocation exists
    const event = Buffer.from('{ "a" : "é",\n  "n": 1 }  ');
    const before = Date.now();
    const result = em.invoke(event, {
      clientContext: 'e30=',
      cognitoIdentity: '{"id":"c1"}',
      traceId: 'Root=1-x',
    });
    const res = await polled;
    expect(res.status).toBe(200);
    expect(res.body.equals(event)).toBe(true);
    expect(res.headers['content-type']).toBe('application/json');
    expect(requestIdOf(res)).toMatch(/^[0-9a-f-]{36}$/);
    const deadline = Number(res.headers['lambda-runtime-deadline-ms']);
    expect(deadline).toBeGreaterThanOrEqual(before + 5000);
    expect(deadline).toBeLessThan(Date.now() + 5000 + 1000);
    expect(res.headers['lambda-runtime-invoked-function-arn']).toBe(
      'arn:aws:lambda:eu-west-1:123456789012:function:raw-fn',
    );
    expect(res.headers['lambda-runtime-trace-id']).toBe('Root=1-x');
    expect(res.headers['lambda-runtime-invocation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['lambda-runtime-client-context']).toBe('e30=');
    expect(res.headers['lambda-runtime-cognito-identity']).toBe('{"id":"c1"}');

    const answer = Buffer.from([0, 1, 2, 255, 254, 0x7b]);
    const ack = await post(em, requestIdOf(res), 'response', answer, { 'content-type': 'application/x-raw' });
    expect(ack.status).toBe(202);
    expect(ack.json()).toEqual({ status: 'OK' });
    const done = await result;
    expect(done.outcome).toBe('response');
    expect(done.requestId).toBe(requestIdOf(res));
    expect(done.body.equals(answer)).toBe(true);
    expect(done.headers['content-type']).toBe('application/x-raw');
    expect(done.streamed).toBe(false);
    expect(done.timings.responseMs).toBeGreaterThan(0);
    expect(done.timings.cycleMs).toBeGreaterThanOrEqual(done.timings.responseMs);
  });

  it('omits client context and cognito identity when not given, and generates an X-Ray trace id', async () => {
    const em = await start();
    const result = em.invoke({ x: 1 });
    const res = await next(em);
    expect(res.headers['lambda-runtime-client-context']).toBeUndefined();
    expect(res.headers['lambda-runtime-cognito-identity']).toBeUndefined();
    expect(res.headers['lambda-runtime-trace-id']).toMatch(
      /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};/,
    );
    expect(res.body.toString()).toBe('{"x":1}');
    await post(em, requestIdOf(res), 'response', 'null');
    expect((await result).body.toString()).toBe('null');
  });

  it('serves concurrent invocations to several outstanding pollers (multi-concurrency runtime)', async () => {
    const em = await start();
    const polls = [next(em), next(em), next(em)];
    await sleep(30);
    const results = Promise.all([1, 2, 3].map((n) => em.invoke({ n })));
    const received = await Promise.all(polls); // all three held at once, none answered yet
    const ids = received.map(requestIdOf);
    expect(new Set(ids).size).toBe(3);
    const events = received.map((r) => (JSON.parse(r.body.toString()) as { n: number }).n).sort();
    expect(events).toEqual([1, 2, 3]);
    // Answer in reverse order: each answer must land on its own invocation.
    for (const r of [...received].reverse())
      await post(em, requestIdOf(r), 'response', `"r${r.body.toString()}"`);
    const done = await results;
    for (const [i, d] of done.entries()) expect(d.body.toString()).toBe(`"r{"n":${i + 1}}"`);
  });

  it('queues invocations made before the runtime polls, and serves them in order to a sequential runtime', async () => {
    const em = await start();
    const results = Promise.all(['a', 'b', 'c'].map((v) => em.invoke(v)));
    for (let i = 0; i < 3; i++) {
      const res = await next(em);
      await post(em, requestIdOf(res), 'response', `${res.body.toString()}!`);
    }
    expect((await results).map((r) => r.body.toString())).toEqual(['a!', 'b!', 'c!']);
  });
});

describe('Runtime API: response and error', () => {
  it('answers 410 for unknown, already answered and stale-invocation-id responses', async () => {
    const em = await start();
    const result = em.invoke({});
    const res = await next(em);
    const id = requestIdOf(res);
    const stale = await post(em, id, 'response', '1', { 'lambda-runtime-invocation-id': 'not-this-one' });
    expect(stale.status).toBe(410);
    expect(stale.json()).toMatchObject({ errorType: expect.any(String) });
    const good = await post(em, id, 'response', '2', {
      'lambda-runtime-invocation-id': res.headers['lambda-runtime-invocation-id']!,
    });
    expect(good.status).toBe(202);
    expect((await post(em, id, 'response', '3')).status).toBe(410);
    expect((await post(em, id, 'error', '{}')).status).toBe(410);
    expect((await post(em, 'no-such-id', 'response', '4')).status).toBe(410);
    expect((await result).body.toString()).toBe('2');
  });

  it('accepts exactly 6 MB buffered and answers 413 above it, failing the invocation', async () => {
    const em = await start({ timeoutMs: 10_000 });
    const okResult = em.invoke({});
    const first = await next(em);
    const exact = Buffer.alloc(MAX_BUFFERED_PAYLOAD_BYTES, 0x61);
    expect((await post(em, requestIdOf(first), 'response', exact)).status).toBe(202);
    expect((await okResult).body.length).toBe(MAX_BUFFERED_PAYLOAD_BYTES);

    const bigResult = em.invoke({});
    const second = await next(em);
    const tooBig = await post(
      em,
      requestIdOf(second),
      'response',
      Buffer.alloc(MAX_BUFFERED_PAYLOAD_BYTES + 1),
    );
    expect(tooBig.status).toBe(413);
    expect(tooBig.json()).toMatchObject({
      errorType: 'RequestEntityTooLarge',
      errorMessage: expect.any(String),
    });
    const failed = await bigResult;
    expect(failed.outcome).toBe('error');
    expect(failed.errorType).toBe('Function.ResponseSizeTooLarge');
  });

  it('rejects invoke payloads over 6 MB like the Invoke API does', async () => {
    const em = await start();
    await expect(em.invoke(Buffer.alloc(MAX_BUFFERED_PAYLOAD_BYTES + 1))).rejects.toThrow(
      /RequestEntityTooLarge/,
    );
  });

  it('records /error with the Lambda-Runtime-Function-Error-Type header and the exact body', async () => {
    const em = await start();
    const result = em.invoke({});
    const res = await next(em);
    const body = JSON.stringify({ errorMessage: 'boom', errorType: 'InBody', stackTrace: ['at x'] });
    const ack = await post(em, requestIdOf(res), 'error', body, {
      'lambda-runtime-function-error-type': 'Custom.Boom',
      'content-type': 'application/json',
    });
    expect(ack.status).toBe(202);
    const done = await result;
    expect(done.outcome).toBe('error');
    expect(done.errorType).toBe('Custom.Boom');
    expect(done.body.toString()).toBe(body);
    expect(done.headers['lambda-runtime-function-error-type']).toBe('Custom.Boom');
  });

  it('takes the error type from the body when the header is missing (what aws-lambda-ric sends)', async () => {
    const em = await start();
    const result = em.invoke({});
    const res = await next(em);
    await post(em, requestIdOf(res), 'error', JSON.stringify({ errorType: 'TypeError', errorMessage: 'x' }));
    expect((await result).errorType).toBe('TypeError');
  });

  it('collects a chunked streaming response and its error trailers', async () => {
    const em = await start();
    const ok = em.invoke({});
    const first = await next(em);
    const streamHeaders = {
      'lambda-runtime-function-response-mode': 'streaming',
      'content-type': 'text/plain',
      trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
    };
    const ack = await rawCall(em.runtimeApi, {
      method: 'POST',
      path: invocationPath(requestIdOf(first), 'response'),
      headers: streamHeaders,
      chunks: ['hello ', Buffer.from('wor'), 'ld'],
    });
    expect(ack.status).toBe(202);
    const streamed = await ok;
    expect(streamed).toMatchObject({ outcome: 'response', streamed: true });
    expect(streamed.body.toString()).toBe('hello world');
    expect(streamed.headers['transfer-encoding']).toBe('chunked');

    const failing = em.invoke({});
    const second = await next(em);
    const errorBody = Buffer.from(JSON.stringify({ errorType: 'Stream.Broke', errorMessage: 'midway' }));
    await rawCall(em.runtimeApi, {
      method: 'POST',
      path: invocationPath(requestIdOf(second), 'response'),
      headers: streamHeaders,
      chunks: ['partial'],
      trailers: {
        'Lambda-Runtime-Function-Error-Type': 'Stream.Broke',
        'Lambda-Runtime-Function-Error-Body': errorBody.toString('base64'),
      },
    });
    const failed = await failing;
    expect(failed).toMatchObject({ outcome: 'error', errorType: 'Stream.Broke', streamed: true });
    expect(failed.body.toString()).toBe('partial');
    expect(
      Buffer.from(failed.trailers!['lambda-runtime-function-error-body']!, 'base64').equals(errorBody),
    ).toBe(true);
  });

  it('ends an unanswered invocation as a timeout at its deadline; a late answer gets 410', async () => {
    const em = await start({ timeoutMs: 5000 });
    const result = em.invoke({}, { timeoutMs: 150 });
    const res = await next(em);
    const done = await result;
    expect(done.outcome).toBe('timeout');
    expect(done.errorType).toBe('Sandbox.Timedout');
    expect(done.timings.responseMs).toBeGreaterThanOrEqual(140);
    expect((await post(em, requestIdOf(res), 'response', 'late')).status).toBe(410);
  });
});

describe('Runtime API: init, restore and unknown routes', () => {
  it('answers init/error with 202 and makes invoke reject with the reported error', async () => {
    const em = await start();
    const body = JSON.stringify({ errorMessage: 'cannot load', errorType: 'Runtime.ImportModuleError' });
    const ack = await rawCall(em.runtimeApi, {
      method: 'POST',
      path: '/2018-06-01/runtime/init/error',
      headers: { 'lambda-runtime-function-error-type': 'Runtime.ImportModuleError' },
      body,
    });
    expect(ack.status).toBe(202);
    const failure = await em.invoke({}).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(EmulatorError);
    expect((failure as EmulatorError).errorType).toBe('Runtime.ImportModuleError');
    expect((failure as EmulatorError).errorBody).toBe(body);
  });

  it('serves the SnapStart restore routes', async () => {
    const em = await start();
    const restore = await rawCall(em.runtimeApi, { path: '/2018-06-01/runtime/restore/next' });
    expect(restore.status).toBe(200);
    expect(restore.body.length).toBe(0);
    const restoreError = await rawCall(em.runtimeApi, {
      method: 'POST',
      path: '/2018-06-01/runtime/restore/error',
      headers: { 'lambda-runtime-function-error-type': 'Runtime.RestoreError' },
      body: '{"errorMessage":"x","errorType":"Runtime.RestoreError"}',
    });
    expect(restoreError.status).toBe(202);
  });

  it('fails fast with a clear message when the requested port is taken', async () => {
    const em = await start();
    const port = Number(em.runtimeApi.split(':')[1]);
    await expect(LambdaEmulator.start({ port })).rejects.toMatchObject({
      code: 'TAPLINE_LAMBDA_EMULATOR_BAD_OPTIONS',
      message: expect.stringContaining(`cannot listen on 127.0.0.1:${port}`),
    });
  });

  it('answers unknown routes with 404 JSON and wrong methods with 405', async () => {
    const em = await start();
    const missing = await rawCall(em.runtimeApi, { path: '/2018-06-01/runtime/nope' });
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toBe('application/json');
    expect(missing.json()).toMatchObject({ errorType: 'NotFound' });
    expect((await rawCall(em.runtimeApi, { method: 'POST', path: NEXT, body: 'x' })).status).toBe(405);
  });
});
