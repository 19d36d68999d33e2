import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TempLayer {
  dir: string;
  wrapper: string;
  portFile: string;
  remove(): Promise<void>;
}

const proxySource = fileURLToPath(new URL('./layer-proxy-extension.mjs', import.meta.url));

/**
 * Writes a directory laid out like /opt: `extensions/<name>` (a shell launcher, as real layers ship),
 * `<name>/index.mjs` (the proxy extension), `wrapper.sh` (AWS_LAMBDA_EXEC_WRAPPER pointing the runtime
 * at the proxy), and a non-executable file in extensions/ that must be ignored.
 */
export async function writeProxyLayer(name = 'tapline-test-proxy'): Promise<TempLayer> {
  const dir = await mkdtemp(join(tmpdir(), 'lambda-emulator-layer-'));
  const portFile = join(dir, 'proxy-port');
  await mkdir(join(dir, 'extensions'));
  await mkdir(join(dir, name));
  await copyFile(proxySource, join(dir, name, 'index.mjs'));
  const launcher = join(dir, 'extensions', name);
  await writeFile(launcher, `#!/bin/sh\nexec node "$(dirname "$0")/../${name}/index.mjs" "${name}"\n`);
  await chmod(launcher, 0o755);
  await writeFile(join(dir, 'extensions', 'NOTES.txt'), 'not executable: Lambda does not start it\n');
  const wrapper = join(dir, 'wrapper.sh');
  await writeFile(
    wrapper,
    [
      '#!/bin/sh',
      '# Point the runtime (only) at the proxy extension, as a Runtime API proxy layer does.',
      'echo "wrapper pid=$$ upstream=$AWS_LAMBDA_RUNTIME_API args=$*"',
      `export AWS_LAMBDA_RUNTIME_API="127.0.0.1:$(cat "${portFile}")"`,
      'exec "$@"',
      '',
    ].join('\n'),
  );
  await chmod(wrapper, 0o755);
  return { dir, wrapper, portFile, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A layer whose only extension is a shell script with the given body (after the shebang). */
export async function writeScriptLayer(name: string, body: string): Promise<TempLayer> {
  const dir = await mkdtemp(join(tmpdir(), 'lambda-emulator-layer-'));
  await mkdir(join(dir, 'extensions'));
  const file = join(dir, 'extensions', name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return { dir, wrapper: '', portFile: '', remove: () => rm(dir, { recursive: true, force: true }) };
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
