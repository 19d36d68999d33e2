import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltLayer } from '../src/layer/build-layer.js';
import { buildTestLayer } from './helpers/layer-env.js';

let layer: BuiltLayer;
let scratch: string;

beforeAll(async () => {
  layer = await buildTestLayer();
  scratch = mkdtempSync(path.join(tmpdir(), 'tapline-scripts-'));
});
afterAll(() => {
  rmSync(path.dirname(layer.layerDir), { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

function script(file: string, body: string): string {
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

/** Runs a layer script with exactly `env` (no inherited PATH unless given). */
function run(file: string, args: string[], env: Record<string, string>): string {
  return execFileSync('/bin/sh', [file, ...args], { env, encoding: 'utf8' });
}

const EMPTY_PATH = () => {
  const dir = path.join(scratch, `empty-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  return dir;
};

describe('wrapper-script.sh', () => {
  const wrapper = () => path.join(layer.layerDir, 'wrapper-script.sh');
  const nodeDir = path.dirname(process.execPath);

  it('points the runtime at 127.0.0.1:$LRAP_LISTENER_PORT and runs the runtime command', () => {
    const out = run(wrapper(), ['/usr/bin/env'], {
      PATH: nodeDir,
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
      LRAP_LISTENER_PORT: '12345',
    });
    expect(out).toContain('AWS_LAMBDA_RUNTIME_API=127.0.0.1:12345\n');
  });

  it('falls back to port 9009 for a missing or invalid port', () => {
    for (const port of [undefined, 'abc', '70000']) {
      const env: Record<string, string> = { PATH: nodeDir, AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' };
      if (port !== undefined) env.LRAP_LISTENER_PORT = port;
      expect(run(wrapper(), ['/usr/bin/env'], env)).toContain('AWS_LAMBDA_RUNTIME_API=127.0.0.1:9009\n');
    }
  });

  it('chains to a previous wrapper', () => {
    const previous = script(
      path.join(scratch, 'previous.sh'),
      'echo "previous saw $AWS_LAMBDA_RUNTIME_API $*"\nexec "$@"',
    );
    const out = run(wrapper(), ['/bin/echo', 'runtime'], {
      PATH: nodeDir,
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
      TAPLINE_PREVIOUS_EXEC_WRAPPER: previous,
    });
    expect(out).toBe('previous saw 127.0.0.1:9009 /bin/echo runtime\nruntime\n');
  });

  it('leaves AWS_LAMBDA_RUNTIME_API untouched when no Node can run the proxy', () => {
    const out = run(wrapper(), ['/usr/bin/env'], {
      PATH: EMPTY_PATH(),
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    });
    expect(out).toContain('AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001\n');
  });
});

describe('extensions/tapline launcher: Node fallback order', () => {
  let shipped: string;
  beforeAll(() => {
    // A copy of the layer with a fake shipped Node, as --with-node would produce.
    shipped = path.join(scratch, 'with-node');
    execFileSync('cp', ['-r', layer.layerDir, shipped]);
    mkdirSync(path.join(shipped, 'tapline', 'bin'));
    script(
      path.join(shipped, 'tapline', 'bin', 'node'),
      'echo "shipped-node $* name=$TAPLINE_EXTENSION_NAME"',
    );
  });

  it('uses node from PATH (the runtime Node) before the shipped one', () => {
    const pathDir = EMPTY_PATH();
    script(path.join(pathDir, 'node'), 'echo "path-node $*"');
    const out = run(path.join(shipped, 'extensions', 'tapline'), [], { PATH: pathDir });
    expect(out).toBe(`path-node ${path.join(shipped, 'tapline', 'extension.mjs')}\n`);
  });

  it('uses the shipped Node when the runtime has none, resolving paths from the layer root', () => {
    const out = run(path.join(shipped, 'extensions', 'tapline'), [], { PATH: EMPTY_PATH() });
    expect(out).toBe(`shipped-node ${path.join(shipped, 'tapline', 'extension.mjs')} name=tapline\n`);
  });

  it('passes TAPLINE_NODE_FLAGS to Node when set (none by default)', () => {
    const out = run(path.join(shipped, 'extensions', 'tapline'), [], {
      PATH: EMPTY_PATH(),
      TAPLINE_NODE_FLAGS: '--max-old-space-size=96',
    });
    expect(out).toBe(
      `shipped-node --max-old-space-size=96 ${path.join(shipped, 'tapline', 'extension.mjs')} name=tapline\n`,
    );
  });

  it('with no Node at all, logs one line and leaves quietly', () => {
    const result = spawnSync('/bin/sh', [path.join(layer.layerDir, 'extensions', 'tapline')], {
      env: { PATH: EMPTY_PATH() },
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('no Node found');
  });

  it('with no Node but curl, registers for no events so Lambda init does not fail', async () => {
    const tools = EMPTY_PATH();
    for (const tool of ['curl', 'sed', 'tr'])
      symlinkSync(
        execFileSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(),
        path.join(tools, tool),
      );
    const seen: { url: string; name?: string; body: string }[] = [];
    let sawNext!: () => void;
    const next = new Promise<void>((r) => {
      sawNext = r;
    });
    const api = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        seen.push({
          url: req.url ?? '',
          name: req.headers['lambda-extension-name'] as string | undefined,
          body,
        });
        if (req.url === '/2020-01-01/extension/register') {
          res.writeHead(200, { 'Lambda-Extension-Identifier': 'idle-1' });
          res.end('{}');
        } else {
          sawNext(); // event/next: never answered, as for an extension registered for nothing
        }
      });
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const child = spawn('/bin/sh', [path.join(layer.layerDir, 'extensions', 'tapline')], {
      env: { PATH: tools, AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${(api.address() as AddressInfo).port}` },
      stdio: 'ignore',
    });
    try {
      await next;
      expect(seen[0]).toEqual({
        url: '/2020-01-01/extension/register',
        name: 'tapline',
        body: '{"events":[]}',
      });
      expect(seen[1]?.url).toBe('/2020-01-01/extension/event/next');
    } finally {
      child.kill('SIGKILL');
      api.closeAllConnections();
      api.close();
    }
  });

  it('the wrapper also accepts the shipped Node', () => {
    const out = run(path.join(shipped, 'wrapper-script.sh'), ['/usr/bin/env'], {
      PATH: EMPTY_PATH(),
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    });
    expect(out).toContain('AWS_LAMBDA_RUNTIME_API=127.0.0.1:9009\n');
  });

  it('the bundle is a single minified ESM file without imports of packages', () => {
    const bundle = readFileSync(path.join(layer.layerDir, 'tapline', 'extension.mjs'), 'utf8');
    const imports = [...bundle.matchAll(/from"([^"]+)"/g)].map((m) => m[1]);
    expect(imports.every((i) => i?.startsWith('node:') || /^[a-z_]+$/.test(i ?? ''))).toBe(true);
    expect(bundle).not.toContain('@sinclair/typebox');
    // Minified: no indented lines, no comments; the few line breaks left are inside template strings
    // (esbuild prints "\r\n" in strings as raw newlines).
    expect(bundle).not.toMatch(/\n[ \t]+\S/);
    expect(bundle).not.toMatch(/\/\*\*|\n\s*\/\//);
    expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(2000);
  });
});
