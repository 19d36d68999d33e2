import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const DIST_DIR = join(PACKAGE_DIR, 'dist');
const LOCK_DIR = join(PACKAGE_DIR, '.build-lock');
const INPUTS = ['src', 'index.html', 'vite.config.ts'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function isFresh(): boolean {
  const index = join(DIST_DIR, 'index.html');
  if (!existsSync(index)) return false;
  const built = statSync(index).mtimeMs;
  return INPUTS.every((input) => newestMtime(join(PACKAGE_DIR, input)) <= built);
}

async function withLock<T>(run: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      break;
    } catch {
      // Another test file is building; a lock older than two minutes is left over from a killed run.
      if (existsSync(LOCK_DIR) && Date.now() - statSync(LOCK_DIR).mtimeMs > 120_000)
        rmSync(LOCK_DIR, { force: true, recursive: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK_DIR}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await run();
  } finally {
    rmSync(LOCK_DIR, { force: true, recursive: true });
  }
}

/**
 * The browser tests need `packages/dashboard/dist`. Builds it with Vite's API when it is missing or older
 * than the sources, into a temp dir swapped in at the end so a running server never sees half a build.
 */
export async function ensureDashboardBuilt(): Promise<string> {
  if (isFresh()) return DIST_DIR;
  await withLock(async () => {
    if (isFresh()) return;
    const { build } = await import('vite');
    const staging = join(PACKAGE_DIR, `.dist-staging-${process.pid}`);
    try {
      await build({
        configFile: join(PACKAGE_DIR, 'vite.config.ts'),
        root: PACKAGE_DIR,
        logLevel: 'warn',
        build: { outDir: staging, emptyOutDir: true },
      });
    } catch (error) {
      rmSync(staging, { force: true, recursive: true });
      throw new Error(
        'The dashboard could not be built for the browser tests; run `npm run build -w @tapline/dashboard` to see why.',
        { cause: error },
      );
    }
    const old = join(PACKAGE_DIR, `.dist-old-${process.pid}`);
    if (existsSync(DIST_DIR)) renameSync(DIST_DIR, old);
    renameSync(staging, DIST_DIR);
    rmSync(old, { force: true, recursive: true });
  });
  if (!existsSync(join(DIST_DIR, 'index.html'))) {
    throw new Error(`${DIST_DIR}index.html is missing: run \`npm run build -w @tapline/dashboard\` first.`);
  }
  return DIST_DIR;
}
