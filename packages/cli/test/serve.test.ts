import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
/** Maps @tapline/* to the packages' sources, so the spawned CLI needs no build. */
const SOURCES_TSCONFIG = fileURLToPath(new URL('../../server/tsx-sources.tsconfig.json', import.meta.url));

function runCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: SOURCES_TSCONFIG, TAPLINE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (part: Buffer) => {
    stderr += part.toString();
  });
  child.stdout.on('data', (part: Buffer) => {
    stdout += part.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    void exited.then((code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  // Tests that expect an early exit never read the line.
  firstLine.catch(() => {});
  return { child, exited, firstLine, stderr: () => stderr, stdout: () => stdout };
}

function get(url: string, agent?: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      let body = '';
      res.on('data', (part: Buffer) => {
        body += part.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('tapline serve', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tapline-cli-serve-'));
  const children: ReturnType<typeof runCli>[] = [];
  afterAll(async () => {
    for (const run of children) {
      if (run.child.exitCode === null && run.child.signalCode === null) {
        run.child.kill('SIGKILL');
        await run.exited;
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints its URL, serves, and stops cleanly on SIGTERM', async () => {
    const run = runCli(['serve', '--port', '0', '--data-dir', dataDir]);
    children.push(run);
    const line = await run.firstLine;
    const url = /^tapline serving on (http:\/\/127\.0\.0\.1:\d+) /.exec(line)?.[1];
    expect(url, line).toBeDefined();
    // A producer holding an idle keep-alive connection must not keep the server from stopping.
    const agent = new Agent({ keepAlive: true });
    const health = await get(`${url}/healthz`, agent);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
    run.child.kill('SIGTERM');
    expect(await run.exited, run.stderr()).toBe(0);
    expect(run.stderr()).toContain('SIGTERM received');
    agent.destroy();
  });

  it('takes its settings from the environment when flags are absent', async () => {
    const run = runCli(['serve'], {
      TAPLINE_PORT: '0',
      TAPLINE_DATA_DIR: dataDir,
      TAPLINE_HOST: '127.0.0.1',
    });
    children.push(run);
    const line = await run.firstLine;
    expect(line).toContain(`(data in ${dataDir})`);
    const url = /(http:\/\/[^ ]+)/.exec(line)?.[1];
    expect((await get(`${url}/healthz`)).status).toBe(200);
    run.child.kill('SIGINT');
    expect(await run.exited, run.stderr()).toBe(0);
  });

  it('serves ingestion on a listener of its own with --ingest-host/--ingest-port', async () => {
    const run = runCli([
      'serve',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--ingest-host',
      '127.0.0.1',
      '--ingest-port',
      '0',
    ]);
    children.push(run);
    await run.firstLine;
    const deadline = Date.now() + 10_000;
    while (!run.stdout().includes('tapline ingestion on') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const ui = /tapline serving on (http:\/\/[^ ]+)/.exec(run.stdout())?.[1];
    const ingestion = /tapline ingestion on (http:\/\/\S+)/.exec(run.stdout())?.[1];
    expect(ingestion, run.stdout()).toBeDefined();
    expect(ingestion).not.toBe(ui);
    expect((await get(`${ingestion}/healthCheck`)).status).toBe(200);
    expect((await get(`${ingestion}/api/collections`)).status).toBe(404);
    expect((await get(`${ui}/api/collections`)).status).toBe(200);
    run.child.kill('SIGTERM');
    expect(await run.exited, run.stderr()).toBe(0);
  });

  it('refuses to serve the inventory off loopback with only ingestion tokens, saying what to set', async () => {
    const run = runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir], {
      TAPLINE_INGEST_TOKENS: 's3cret',
    });
    children.push(run);
    expect(await run.exited).toBe(3);
    expect(run.stderr()).toMatch(/TAPLINE_READ_TOKENS.*TAPLINE_USERS.*--ingest-host.*--insecure/);
    expect(run.stderr()).not.toContain('s3cret');
  });

  it('refuses an invalid setting, naming the variable', async () => {
    const run = runCli(['serve', '--data-dir', dataDir], { TAPLINE_PORT: 'abc' });
    children.push(run);
    expect(await run.exited).toBe(3);
    expect(run.stderr()).toMatch(/TAPLINE_PORT="abc": expected an integer from 0 to 65535/);
  });

  it('refuses a data directory it cannot create in one line naming it and the setting', async () => {
    const blocked = join(dataDir, 'a-file');
    writeFileSync(blocked, '');
    const run = runCli(['serve', '--port', '0', '--data-dir', join(blocked, 'data')]);
    children.push(run);
    expect(await run.exited).toBe(3);
    expect(run.stderr()).toMatch(/^tapline: cannot open .*a-file\/data\/traffic\.db: .*ENOTDIR.*--data-dir/);
    expect(run.stderr()).not.toContain('    at ');
  });

  it('refuses unauthenticated ingestion on a non-loopback address unless --insecure', async () => {
    const run = runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir]);
    children.push(run);
    expect(await run.exited).toBe(3);
    expect(run.stderr()).toContain('--insecure');
  });
});
