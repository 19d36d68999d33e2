import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorError, LambdaEmulator, ricRuntime } from '../src/index.js';
import { isAlive, type TempLayer, writeProxyLayer, writeScriptLayer } from './support/temp-layer.js';

// Lambda-style init from a layer directory: extensions spawned from <layer>/extensions/, the runtime
// through AWS_LAMBDA_EXEC_WRAPPER, processes cleaned up on shutdown.
const functions = fileURLToPath(new URL('../../testkit/functions/', import.meta.url));

const layers: TempLayer[] = [];
const emulators: LambdaEmulator[] = [];

afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.shutdown({ deadlineMs: 0 })));
  await Promise.all(layers.splice(0).map((l) => l.remove()));
});

function pidsIn(logs: string, label: RegExp): number[] {
  return [...logs.matchAll(label)].map((m) => Number(m[1]));
}

describe('layer directory with an extension and an exec wrapper', () => {
  it('starts the extension with the real Runtime API and the runtime through the wrapper and proxy', async () => {
    const layer = await writeProxyLayer();
    layers.push(layer);
    const emulator = await LambdaEmulator.start({
      functionName: 'layered-fn',
      memoryMb: 256,
      region: 'eu-central-1',
      layerDir: layer.dir,
      runtime: ricRuntime(functions, 'echo/index.handler'),
      env: {
        AWS_LAMBDA_EXEC_WRAPPER: layer.wrapper,
        TEST_PROXY_PORT_FILE: layer.portFile,
        MY_FUNCTION_VAR: 'visible',
      },
    });
    emulators.push(emulator);
    expect(emulator.registeredExtensions).toEqual(['tapline-test-proxy']);

    const result = await emulator.invoke({ via: 'proxy' });
    expect(result.outcome).toBe('response');
    expect(JSON.parse(result.body.toString())).toEqual({ via: 'proxy' });
    // The runtime's /response went through the proxy, which tags what it forwards.
    expect(result.headers['x-via-proxy']).toBe('1');

    const logs = emulator.logs();
    expect(logs).toContain(
      `ext-env api=${emulator.runtimeApi} fn=layered-fn handler=echo/index.handler mem=256 region=eu-central-1 init=on-demand custom=visible`,
    );
    expect(logs).toMatch(
      /\[runtime\] wrapper pid=\d+ upstream=127\.0\.0\.1:\d+ args=\S+node \S+index\.mjs echo\/index\.handler/,
    );
    expect(logs).toContain('proxied GET /2018-06-01/runtime/invocation/next');
    expect(logs).toContain(`proxied POST /2018-06-01/runtime/invocation/${result.requestId}/response`);
    expect(logs).toContain(`event INVOKE ${result.requestId}`);
    expect(logs).not.toContain('NOTES.txt');

    const pids = [...pidsIn(logs, /ext-env .* pid=(\d+)/g), ...pidsIn(logs, /wrapper pid=(\d+)/g)];
    expect(pids).toHaveLength(2);
    const shutdown = await emulator.shutdown({ deadlineMs: 2000 });
    expect(shutdown.extensionsExitedCleanly).toBe(true);
    expect(shutdown.durationMs).toBeLessThan(2000);
    expect(emulator.logs()).toContain('event SHUTDOWN spindown');
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });

  it('fails the in-flight invocation with Extension.Crash when an extension dies mid-invocation', async () => {
    const layer = await writeProxyLayer('crashy-proxy');
    layers.push(layer);
    const emulator = await LambdaEmulator.start({
      layerDir: layer.dir,
      runtime: ricRuntime(functions, 'slow/index.handler'),
      env: {
        AWS_LAMBDA_EXEC_WRAPPER: layer.wrapper,
        TEST_PROXY_PORT_FILE: layer.portFile,
        TEST_EXTENSION_CRASH_ON_INVOKE: '1',
      },
    });
    emulators.push(emulator);
    const result = await emulator.invoke({ delayMs: 1500 });
    expect(result.outcome).toBe('error');
    expect(result.errorType).toBe('Extension.Crash');
    expect(result.body.toString()).toContain('crashy-proxy');
  });

  it('kills an extension that ignores SHUTDOWN at the deadline and reports an unclean exit', async () => {
    const script = fileURLToPath(new URL('./support/stubborn-extension.mjs', import.meta.url));
    const layer = await writeScriptLayer('stubborn', `exec node "${script}"`);
    layers.push(layer);
    const emulator = await LambdaEmulator.start({
      layerDir: layer.dir,
      runtime: ricRuntime(functions, 'echo/index.handler'),
    });
    emulators.push(emulator);
    expect(emulator.registeredExtensions).toEqual(['stubborn']);
    expect((await emulator.invoke({ a: 1 })).outcome).toBe('response');
    const result = await emulator.shutdown({ deadlineMs: 300 });
    expect(result.extensionsExitedCleanly).toBe(false);
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(emulator.logs()).toContain('got SHUTDOWN, ignoring it');
    const [pid] = pidsIn(emulator.logs(), /stubborn pid=(\d+)/g);
    expect(isAlive(pid!)).toBe(false);
  });

  it('rejects start() when an extension exits during init', async () => {
    const layer = await writeScriptLayer('dies-early', 'echo "giving up"; exit 4');
    layers.push(layer);
    const failure = await LambdaEmulator.start({
      layerDir: layer.dir,
      runtime: ricRuntime(functions, 'echo/index.handler'),
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(EmulatorError);
    expect((failure as EmulatorError).code).toBe('TAPLINE_LAMBDA_EMULATOR_INIT_FAILED');
    expect((failure as EmulatorError).message).toContain('exit status 4');
    expect((failure as EmulatorError).message).toContain('[dies-early] giving up');
  });

  it('rejects start() when init does not complete in time, and kills what it started', async () => {
    const layer = await writeScriptLayer('never-registers', 'echo "pid=$$"; exec sleep 30');
    layers.push(layer);
    const failure = await LambdaEmulator.start({ layerDir: layer.dir, initTimeoutMs: 400 }).catch(
      (e: unknown) => e,
    );
    expect((failure as EmulatorError).code).toBe('TAPLINE_LAMBDA_EMULATOR_INIT_TIMEOUT');
    expect((failure as EmulatorError).message).toContain('extensions did not register (0/1)');
    const [pid] = pidsIn((failure as EmulatorError).message, /pid=(\d+)/g);
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid!)).toBe(false);
  });

  it('rejects start() when the runtime never calls next', async () => {
    const failure = await LambdaEmulator.start({
      runtime: { command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'] },
      initTimeoutMs: 400,
    }).catch((e: unknown) => e);
    expect((failure as EmulatorError).code).toBe('TAPLINE_LAMBDA_EMULATOR_INIT_TIMEOUT');
    expect((failure as EmulatorError).message).toContain('the runtime did not call invocation/next');
  });

  it('rejects a missing layer directory with a message saying what is wrong', async () => {
    await expect(LambdaEmulator.start({ layerDir: '/nonexistent/layer' })).rejects.toMatchObject({
      code: 'TAPLINE_LAMBDA_EMULATOR_BAD_OPTIONS',
    });
  });
});
