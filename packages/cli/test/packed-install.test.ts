import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { encodeBatch } from '@tapline/contracts';
import { trafficRecord } from '@tapline/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A user's install, proven without a registry upload: the CLI and its workspace dependencies are packed
// with `npm pack` and installed from the tarballs into an empty directory outside the repository, then
// the installed `tapline` runs. Third-party dependencies come from the npm registry (or npm's cache).

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The CLI and every workspace package it needs at run time. */
const PACKED = [
  'contracts',
  'inventory',
  'dashboard',
  'server',
  'extension',
  'lambda-emulator',
  'instrumentation',
  'log-nats',
  'store-postgres',
  'cli',
];
const HOST = 'orders.packed-install.test';

/**
 * better-sqlite3 installs a prebuilt binary (downloaded from GitHub by prebuild-install) and compiles
 * from source only when there is none. GitHub is out of reach here, so the binary this workspace built
 * for the same version and Node ABI is offered as the "downloaded" prebuild; with another version npm
 * resolves, it compiles, as it would for a user.
 */
function offerLocalPrebuild(dir: string): Record<string, string> {
  const pkgDir = path.join(REPO_ROOT, 'node_modules', 'better-sqlite3');
  const binary = path.join(pkgDir, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(binary)) return {};
  const { version } = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  mkdirSync(dir, { recursive: true });
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync('tar', ['-czf', path.join(dir, name), '-C', pkgDir, 'build/Release/better_sqlite3.node']);
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}

/** npm_* variables of a surrounding `npm test` would point npm at the repository's workspace. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'NODE_PATH' && key !== 'INIT_CWD') env[key] = value;
  }
  return { ...env, TAPLINE_LOG_LEVEL: 'warn' };
}

describe('the CLI installed from its packed tarballs', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'tapline-packed-'));
  const app = path.join(work, 'app');
  const bin = path.join(app, 'node_modules', '.bin', 'tapline');
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    for (const name of PACKED) {
      const manifest = path.join(REPO_ROOT, 'packages', name, 'package.json');
      const dist = name === 'dashboard' ? 'dist/index.html' : 'dist/index.js';
      if (!existsSync(path.join(path.dirname(manifest), dist))) {
        throw new Error(`packages/${name} is not built; run \`npm run build\` first`);
      }
    }
    const tarballs = path.join(work, 'tarballs');
    mkdirSync(tarballs);
    const workspaces = PACKED.flatMap((name) => ['-w', `packages/${name}`]);
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', tarballs, ...workspaces], {
      cwd: REPO_ROOT,
      env: cleanEnv(),
      maxBuffer: 64 * 1024 * 1024,
    });
    const packed = JSON.parse(stdout) as { filename: string }[];
    expect(packed).toHaveLength(PACKED.length);

    // Its own package.json, so npm does not look for a project further up.
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'tapline-user', private: true }));
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        ...packed.map((p) => path.join(tarballs, p.filename)),
      ],
      {
        cwd: app,
        env: { ...cleanEnv(), ...offerLocalPrebuild(path.join(work, 'prebuilds')) },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
  }, 170_000);

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('installs real copies (not links into the repository), without the demo weighing on serve', () => {
    for (const dep of ['tapline', '@tapline/server', '@tapline/dashboard', '@tapline/extension']) {
      const installed = realpathSync(path.join(app, 'node_modules', dep));
      expect(installed.startsWith(realpathSync(app))).toBe(true);
    }
    // The dashboard ships built; React and Vite are not installed for it.
    expect(existsSync(path.join(app, 'node_modules/@tapline/dashboard/dist/index.html'))).toBe(true);
    expect(existsSync(path.join(app, 'node_modules/react'))).toBe(false);
    // aws-sdk v2 came in through amplify-appsync-simulator; the demo needs only the Velocity engine.
    expect(existsSync(path.join(app, 'node_modules/aws-sdk'))).toBe(false);
    expect(existsSync(path.join(app, 'node_modules/amplify-appsync-simulator'))).toBe(false);
    // Build and test tools stay out.
    for (const tool of ['typescript', 'vitest', 'vite', 'aws-lambda-ric', 'autocannon']) {
      expect(existsSync(path.join(app, 'node_modules', tool)), tool).toBe(false);
    }
  });

  it('tapline --version and --help', async () => {
    const version = JSON.parse(
      readFileSync(path.join(REPO_ROOT, 'packages/cli/package.json'), 'utf8'),
    ).version;
    expect((await run(bin, ['--version'], { cwd: app, env: cleanEnv() })).stdout.trim()).toBe(version);
    const help = (await run(bin, ['--help'], { cwd: app, env: cleanEnv() })).stdout;
    for (const command of ['serve', 'demo', 'layer', 'function', 'resolver'])
      expect(help).toContain(`  ${command}`);
  });

  it('tapline serve answers /healthz, serves the dashboard and shows an ingested batch in /api/collections', async () => {
    const child = spawn(bin, ['serve', '--port', '0', '--data-dir', path.join(work, 'data')], {
      cwd: app,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (part: Buffer) => {
      stderr += part.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      void exited.then((code) => reject(new Error(`tapline serve exited with ${code}: ${stderr}`)));
    });
    const url = /serving on (http:\/\/\S+)/.exec(line)?.[1];
    expect(url, line).toBeDefined();

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const dashboard = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
    expect(await dashboard.text()).toContain('<div id="root">');

    const batch = encodeBatch([
      trafficRecord({ path: '/orders/17', requestHeaders: { host: HOST }, responsePayload: '{"id":17}' }),
    ]);
    const ingested = await fetch(`${url}/api/ingestData`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: batch,
    });
    expect(ingested.status).toBe(200);
    let hosts: (string | null)[] = [];
    for (let attempt = 0; attempt < 100 && !hosts.includes(HOST); attempt++) {
      const listing = (await (await fetch(`${url}/api/collections`)).json()) as {
        collections: { host: string | null }[];
      };
      hosts = listing.collections.map((c) => c.host);
      if (!hosts.includes(HOST)) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(hosts).toContain(HOST);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);

  it('tapline layer build writes the layer zip', async () => {
    const out = path.join(work, 'layer');
    const { stdout } = await run(bin, ['layer', 'build', '--out', out], { cwd: app, env: cleanEnv() });
    const zip = stdout.trim();
    expect(zip).toBe(path.join(out, 'tapline-layer-x86_64.zip'));
    const listing = (await run('unzip', ['-Z1', zip])).stdout.split('\n');
    expect(listing).toEqual(
      expect.arrayContaining(['extensions/tapline', 'wrapper-script.sh', 'tapline/extension.mjs']),
    );
  }, 60_000);

  it('tapline demo --exit runs the whole chain and stops', async () => {
    const { stdout } = await run(bin, ['demo', '--exit', '--port', '0', '--requests', '12'], {
      cwd: app,
      env: cleanEnv(),
    });
    expect(stdout).toContain('sent 12 requests (0 failed)');
    expect(stdout).toMatch(/collection shop-graphql\.appsync-api\.us-east-1\.amazonaws\.com: \d+ endpoints/);
    expect(stdout).toMatch(/Dashboard: http:\/\/127\.0\.0\.1:\d+\//);
  }, 90_000);
});
