import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../src/layer/build-layer.js';
import { freePort } from './helpers/layer-env.js';

describe('layer build --with-node (x86_64)', () => {
  const out = mkdtempSync(path.join(tmpdir(), 'tapline-with-node-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('ships the npm registry Node binary, and the launcher runs the extension with it when no other Node exists', async () => {
    const built = await buildLayer({ outDir: out, arch: 'x86_64', withNode: true });
    const node = path.join(built.layerDir, 'tapline', 'bin', 'node');
    expect(statSync(node).mode & 0o111).not.toBe(0);
    expect(execFileSync(node, ['--version'], { encoding: 'utf8' })).toMatch(/^v22\./);
    expect(execFileSync('unzip', ['-Z1', built.zipPath], { encoding: 'utf8' })).toContain(
      'tapline/bin/node\n',
    );

    // An Extensions API stub: the extension proves it runs by registering.
    let registeredName: string | undefined;
    let onRegister!: () => void;
    const registered = new Promise<void>((r) => {
      onRegister = r;
    });
    const api = http.createServer((req, res) => {
      if (req.url === '/2020-01-01/extension/register') {
        registeredName = String(req.headers['lambda-extension-name']);
        res.writeHead(200, { 'Lambda-Extension-Identifier': 'x' });
        res.end('{}');
        onRegister();
      }
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const emptyPath = path.join(out, 'empty-path');
    mkdirSync(emptyPath, { recursive: true });
    const child = spawn('/bin/sh', [path.join(built.layerDir, 'extensions', 'tapline')], {
      env: {
        PATH: emptyPath,
        AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${(api.address() as AddressInfo).port}`,
        LRAP_LISTENER_PORT: String(await freePort()),
      },
      stdio: 'ignore',
    });
    try {
      await registered;
      expect(registeredName).toBe('tapline');
    } finally {
      child.kill('SIGKILL');
      api.closeAllConnections();
      api.close();
    }
  }, 180_000);
});
