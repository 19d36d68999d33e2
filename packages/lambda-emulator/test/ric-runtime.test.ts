import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmulatorError, LambdaEmulator, minimalRuntime, ricRuntime } from '../src/index.js';

// The emulator serving the official Node runtime interface client (aws-lambda-ric, native client included)
// running the shared sample handlers.
const functions = fileURLToPath(new URL('../../testkit/functions/', import.meta.url));
const fixtures = fileURLToPath(new URL('../../testkit/fixtures/events/', import.meta.url));

const started: LambdaEmulator[] = [];
async function startRic(handler: string, options: { timeoutMs?: number } = {}): Promise<LambdaEmulator> {
  const emulator = await LambdaEmulator.start({ runtime: ricRuntime(functions, handler), ...options });
  started.push(emulator);
  return emulator;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.shutdown({ deadlineMs: 0 })));
});

describe('aws-lambda-ric served by the emulator', () => {
  let echo: LambdaEmulator;
  beforeAll(async () => {
    echo = await LambdaEmulator.start({ runtime: ricRuntime(functions, 'echo/index.handler') });
  });
  afterAll(async () => {
    await echo.shutdown({ deadlineMs: 0 });
  });

  it('echoes events, invocation after invocation', async () => {
    const event = JSON.parse(await readFile(`${fixtures}apigw-http-v2.json`, 'utf8')) as unknown;
    for (let i = 0; i < 3; i++) {
      const result = await echo.invoke(event);
      expect(result.outcome).toBe('response');
      expect(JSON.parse(result.body.toString())).toEqual(event);
      expect(result.streamed).toBe(false);
      expect(result.headers['content-type']).toBe('application/json');
    }
    expect(echo.logs()).toContain("Executing 'echo/index.handler'");
  });

  it('serves concurrent invoke() calls one after another (the ric polls one at a time)', async () => {
    const results = await Promise.all([1, 2, 3, 4].map((n) => echo.invoke({ n })));
    expect(results.map((r) => JSON.parse(r.body.toString()))).toEqual([
      { n: 1 },
      { n: 2 },
      { n: 3 },
      { n: 4 },
    ]);
    expect(new Set(results.map((r) => r.requestId)).size).toBe(4);
  });

  it('returns a proxy-integration result carrying the request id', async () => {
    const em = await startRic('proxy-integration/index.handler');
    const result = await em.invoke({ rawPath: '/items', requestContext: { http: { method: 'POST' } } });
    const body = JSON.parse(result.body.toString()) as Record<string, unknown>;
    expect(body).toMatchObject({
      statusCode: 201,
      headers: { 'content-type': 'application/json', 'x-request-id': result.requestId },
      multiValueHeaders: { 'x-multi': ['a', 'b'] },
      cookies: ['session=abc123; Path=/; HttpOnly', 'theme=dark'],
      isBase64Encoded: false,
    });
    expect(JSON.parse(body.body as string)).toMatchObject({ path: '/items', method: 'POST' });
  });

  it('reports a thrown error as outcome error with its errorType', async () => {
    const em = await startRic('throws/index.handler');
    const result = await em.invoke({ message: 'bad email' });
    expect(result.outcome).toBe('error');
    expect(result.errorType).toBe('ValidationError');
    expect(JSON.parse(result.body.toString())).toMatchObject({
      errorType: 'ValidationError',
      errorMessage: 'bad email',
    });
  });

  it('streams a response (awslambda.streamifyResponse), and reports a mid-stream failure via trailers', async () => {
    const em = await startRic('streaming/index.handler');
    const ok = await em.invoke({ chunks: 3 });
    expect(ok).toMatchObject({ outcome: 'response', streamed: true });
    expect(ok.body.toString()).toBe('chunk-0\nchunk-1\nchunk-2\n');
    expect(ok.headers['content-type']).toBe('text/plain');
    expect(ok.headers['lambda-runtime-function-response-mode']).toBe('streaming');

    const failed = await em.invoke({ chunks: 1, fail: true });
    expect(failed).toMatchObject({ outcome: 'error', streamed: true, errorType: 'Error' });
    expect(failed.body.toString()).toBe('chunk-0\n');
    const errorBody = JSON.parse(
      Buffer.from(failed.trailers!['lambda-runtime-function-error-body']!, 'base64').toString(),
    );
    expect(errorBody).toMatchObject({ errorMessage: 'stream failed midway' });
  });

  it('answers an AppSync resolver event and a 1 MiB payload', async () => {
    const appsync = await startRic('appsync-resolver/index.handler');
    const event = JSON.parse(await readFile(`${fixtures}appsync-vtl.json`, 'utf8')) as unknown;
    const post = await appsync.invoke(event);
    expect(JSON.parse(post.body.toString())).toMatchObject({ id: '7d0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b' });

    const payload = await startRic('payload/index.handler');
    const big = await payload.invoke({ size: 1024 * 1024 });
    expect((JSON.parse(big.body.toString()) as { body: string }).body.length).toBe(1024 * 1024);
  });

  it('ends a handler that overruns its deadline as a timeout', async () => {
    const em = await startRic('slow/index.handler', { timeoutMs: 300 });
    const result = await em.invoke({ delayMs: 2000 });
    expect(result.outcome).toBe('timeout');
    expect(result.timings.responseMs).toBeGreaterThanOrEqual(290);
  });

  it('ends the invocation with Runtime.ExitError when the runtime process dies, instead of hanging', async () => {
    const em = await startRic('exit/index.handler');
    const result = await em.invoke({ code: 2 });
    expect(result.outcome).toBe('error');
    expect(result.errorType).toBe('Runtime.ExitError');
    expect(result.body.toString()).toContain('exit status 2');
    const after = await em.invoke({});
    expect(after.errorType).toBe('Runtime.ExitError');
  });

  it('rejects start() when the runtime reports an init error', async () => {
    const failure = await LambdaEmulator.start({
      runtime: ricRuntime(functions, 'missing/index.handler'),
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(EmulatorError);
    expect((failure as EmulatorError).code).toBe('TAPLINE_LAMBDA_EMULATOR_INIT_FAILED');
    expect((failure as EmulatorError).errorType).toBe('Runtime.ImportModuleError');
  });
});

describe('minimalRuntime', () => {
  it('serves the same handlers, including streaming and errors', async () => {
    const em = await LambdaEmulator.start({ runtime: minimalRuntime(functions, 'echo/index.handler') });
    started.push(em);
    expect(JSON.parse((await em.invoke({ a: [1, 2] })).body.toString())).toEqual({ a: [1, 2] });
    const thrower = await LambdaEmulator.start({
      runtime: minimalRuntime(functions, 'throws/index.handler'),
    });
    started.push(thrower);
    const failed = await thrower.invoke({});
    expect(failed).toMatchObject({ outcome: 'error', errorType: 'ValidationError' });
    expect(failed.headers['lambda-runtime-function-error-type']).toBe('ValidationError');
  });

  it('polls several invocations at once with AWS_LAMBDA_MAX_CONCURRENCY', async () => {
    const em = await LambdaEmulator.start({
      runtime: minimalRuntime(functions, 'slow/index.handler'),
      env: { AWS_LAMBDA_MAX_CONCURRENCY: '3' },
    });
    started.push(em);
    const results = await Promise.all([1, 2, 3].map(() => em.invoke({ delayMs: 1000 })));
    expect(results.every((r) => r.outcome === 'response')).toBe(true);
    // Served one at a time, the third would answer after ≥ 3000 ms.
    expect(Math.max(...results.map((r) => r.timings.responseMs))).toBeLessThan(2500);
  });

  it('reports a missing handler module through init/error', async () => {
    const failure = await LambdaEmulator.start({
      runtime: minimalRuntime(functions, 'missing/index.handler'),
    }).catch((e: unknown) => e);
    expect((failure as EmulatorError).errorType).toBe('Runtime.ImportModuleError');
  });
});
