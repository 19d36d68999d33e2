import { afterEach, describe, expect, it } from 'vitest';
import { LambdaEmulator } from '../src/index.js';
import {
  EXT_NEXT,
  EXT_REGISTER,
  extensionNext,
  invocationPath,
  NEXT,
  type RawResponse,
  rawCall,
  registerExtension,
  sleep,
} from './support/raw-http.js';

// The test plays both an external extension and the runtime over raw HTTP.
let emulator: LambdaEmulator | undefined;

afterEach(async () => {
  await emulator?.shutdown({ deadlineMs: 0 });
  emulator = undefined;
});

async function start(): Promise<LambdaEmulator> {
  emulator = await LambdaEmulator.start({ functionName: 'ext-fn', functionVersion: '7', timeoutMs: 5000 });
  return emulator;
}

const respond = (api: string, res: RawResponse, body: string) =>
  rawCall(api, {
    method: 'POST',
    path: invocationPath(res.headers['lambda-runtime-aws-request-id']!, 'response'),
    body,
  });

describe('Extensions API: registration', () => {
  it('registers during init with an identifier and function details, and refuses after init', async () => {
    const em = await start();
    const res = await rawCall(em.runtimeApi, {
      method: 'POST',
      path: EXT_REGISTER,
      headers: { 'lambda-extension-name': 'my-ext' },
      body: JSON.stringify({ events: ['INVOKE', 'SHUTDOWN'] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers['lambda-extension-identifier']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json()).toEqual({ functionName: 'ext-fn', functionVersion: '7', handler: '' });
    expect(em.registeredExtensions).toEqual(['my-ext']);

    // Init ends once the runtime and every registered extension have called next.
    const firstEvent = extensionNext(em.runtimeApi, res.headers['lambda-extension-identifier']!);
    const runtimeNext = rawCall(em.runtimeApi, { path: NEXT });
    await sleep(50);
    const late = await rawCall(em.runtimeApi, {
      method: 'POST',
      path: EXT_REGISTER,
      headers: { 'lambda-extension-name': 'late-ext' },
      body: JSON.stringify({ events: ['INVOKE'] }),
    });
    expect(late.status).toBe(403);
    const result = em.invoke({});
    await respond(em.runtimeApi, await runtimeNext, '1');
    expect((await firstEvent).json()).toMatchObject({ eventType: 'INVOKE' });
    // Calling next again acknowledges the INVOKE and closes the cycle (the call itself stays parked).
    const parked = extensionNext(em.runtimeApi, res.headers['lambda-extension-identifier']!);
    expect((await result).outcome).toBe('response');
    void parked.catch(() => undefined);
  });

  it('rejects event/next without or with an unknown identifier (403), and bad event types (400)', async () => {
    const em = await start();
    expect((await rawCall(em.runtimeApi, { path: EXT_NEXT })).status).toBe(403);
    const unknown = await extensionNext(em.runtimeApi, '00000000-0000-0000-0000-000000000000');
    expect(unknown.status).toBe(403);
    const badEvents = await rawCall(em.runtimeApi, {
      method: 'POST',
      path: EXT_REGISTER,
      headers: { 'lambda-extension-name': 'x' },
      body: JSON.stringify({ events: ['INVOKE', 'LOGS'] }),
    });
    expect(badEvents.status).toBe(400);
    const noName = await rawCall(em.runtimeApi, {
      method: 'POST',
      path: EXT_REGISTER,
      body: '{"events":[]}',
    });
    expect(noName.status).toBe(403);
    const withAccount = await rawCall(em.runtimeApi, {
      method: 'POST',
      path: EXT_REGISTER,
      headers: { 'lambda-extension-name': 'acct', 'lambda-extension-accept-feature': 'accountId' },
      body: '{"events":[]}',
    });
    expect(withAccount.json()).toMatchObject({ functionName: 'ext-fn', accountId: '123456789012' });
  });

  it('answers extension init/error and exit/error with 202', async () => {
    const em = await start();
    const id = await registerExtension(em.runtimeApi, 'errs', ['SHUTDOWN']);
    for (const path of ['/2020-01-01/extension/exit/error', '/2020-01-01/extension/init/error']) {
      const res = await rawCall(em.runtimeApi, {
        method: 'POST',
        path,
        headers: {
          'lambda-extension-identifier': id,
          'lambda-extension-function-error-type': 'Extension.Bad',
        },
        body: '{}',
      });
      expect(res.status).toBe(202);
    }
    // An extension init error fails the environment's init.
    await expect(em.invoke({})).rejects.toMatchObject({ errorType: 'Extension.Bad' });
  });
});

describe('Extensions API: events and the freeze rule', () => {
  it('delivers INVOKE with the same deadline, request id, ARN and tracing as the runtime gets', async () => {
    const em = await start();
    const id = await registerExtension(em.runtimeApi, 'watcher', ['INVOKE']);
    const eventPromise = extensionNext(em.runtimeApi, id);
    const runtimeNext = rawCall(em.runtimeApi, { path: NEXT });
    await sleep(30);
    const result = em.invoke({ hi: 1 }, { traceId: 'Root=1-abc;Parent=def;Sampled=1' });
    const invocation = await runtimeNext;
    const event = await eventPromise;
    expect(event.status).toBe(200);
    expect(event.headers['lambda-extension-event-identifier']).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.json()).toEqual({
      eventType: 'INVOKE',
      deadlineMs: Number(invocation.headers['lambda-runtime-deadline-ms']),
      requestId: invocation.headers['lambda-runtime-aws-request-id'],
      invokedFunctionArn: invocation.headers['lambda-runtime-invoked-function-arn'],
      tracing: { type: 'X-Amzn-Trace-Id', value: 'Root=1-abc;Parent=def;Sampled=1' },
    });
    await respond(em.runtimeApi, invocation, '"ok"');
    const parked = extensionNext(em.runtimeApi, id); // acknowledges the INVOKE, then waits
    expect((await result).outcome).toBe('response');
    void parked.catch(() => undefined);
  });

  it('ends the cycle only when every INVOKE extension called next again: post-response time is measured', async () => {
    const em = await start();
    const slowId = await registerExtension(em.runtimeApi, 'slow-ext', ['INVOKE', 'SHUTDOWN']);
    const quickId = await registerExtension(em.runtimeApi, 'quick-ext', ['INVOKE']);
    const slowFirst = extensionNext(em.runtimeApi, slowId);
    const quickFirst = extensionNext(em.runtimeApi, quickId);
    const runtimeNext = rawCall(em.runtimeApi, { path: NEXT });
    await sleep(30);
    let cycleEnded = false;
    const result = em.invoke({}).then((r) => {
      cycleEnded = true;
      return r;
    });
    const invocation = await runtimeNext;
    await slowFirst;
    await quickFirst;
    const quickAck = extensionNext(em.runtimeApi, quickId);
    const ack = await respond(em.runtimeApi, invocation, '"done"');
    expect(ack.status).toBe(202);
    // The runtime has answered, the quick extension acknowledged; the slow one works 200 ms more.
    await sleep(200);
    expect(cycleEnded).toBe(false);
    const slowAck = extensionNext(em.runtimeApi, slowId);
    const done = await result;
    expect(done.body.toString()).toBe('"done"');
    expect(done.timings.postResponseMs).toBeGreaterThanOrEqual(200);
    expect(done.timings.responseMs).toBeLessThan(done.timings.postResponseMs);
    expect(done.timings.cycleMs).toBeGreaterThanOrEqual(
      done.timings.responseMs + done.timings.postResponseMs - 1,
    );
    void quickAck.catch(() => undefined);
    void slowAck.catch(() => undefined);
  });

  it('ends the cycle at the deadline when an extension never calls next again', async () => {
    const em = await start();
    const id = await registerExtension(em.runtimeApi, 'stuck', ['INVOKE']);
    const first = extensionNext(em.runtimeApi, id);
    const runtimeNext = rawCall(em.runtimeApi, { path: NEXT });
    await sleep(30);
    const result = em.invoke({}, { timeoutMs: 300 });
    await respond(em.runtimeApi, await runtimeNext, '1');
    await first;
    const done = await result;
    expect(done.outcome).toBe('response');
    expect(done.extensionsTimedOut).toBe(true);
    expect(done.timings.cycleMs).toBeGreaterThanOrEqual(290);
  });

  it('sends SHUTDOWN with reason and deadline only to extensions registered for it', async () => {
    const em = await start();
    const shutdownId = await registerExtension(em.runtimeApi, 'hears-shutdown', ['SHUTDOWN']);
    const invokeOnlyId = await registerExtension(em.runtimeApi, 'invoke-only', ['INVOKE']);
    const shutdownEvent = extensionNext(em.runtimeApi, shutdownId);
    const invokeOnly = extensionNext(em.runtimeApi, invokeOnlyId).then(
      () => 'answered',
      () => 'cut',
    );
    const runtimeNext = rawCall(em.runtimeApi, { path: NEXT }).catch(() => undefined);
    await sleep(30);
    const before = Date.now();
    const result = await em.shutdown({ reason: 'spindown', deadlineMs: 1500 });
    const event = await shutdownEvent;
    expect(event.status).toBe(200);
    const body = event.json() as { eventType: string; shutdownReason: string; deadlineMs: number };
    expect(body.eventType).toBe('SHUTDOWN');
    expect(body.shutdownReason).toBe('spindown');
    expect(body.deadlineMs).toBeGreaterThanOrEqual(before + 1500);
    expect(body.deadlineMs).toBeLessThanOrEqual(Date.now() + 1500);
    expect(result.extensionsExitedCleanly).toBe(true);
    // The INVOKE-only extension never got an event: its poll was cut when the environment closed.
    expect(await invokeOnly).toBe('cut');
    await runtimeNext;
    // Idempotent.
    expect(await em.shutdown()).toBe(result);
  });
});
