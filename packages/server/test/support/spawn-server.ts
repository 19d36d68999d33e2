import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** Maps @tapline/* to the sibling packages' sources, so child processes need no build. */
export const SOURCES_TSCONFIG = fileURLToPath(new URL('../../tsx-sources.tsconfig.json', import.meta.url));

export interface SpawnedProcess {
  child: ChildProcess;
  /** The first stdout line. */
  firstLine: Promise<string>;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Spawns `node --import tsx <script> ...args` from the repository root. */
export function spawnTs(script: string, args: string[], env: Record<string, string> = {}): SpawnedProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: SOURCES_TSCONFIG, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (part: Buffer) => {
    stderr += part.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    void exited.then((code) => reject(new Error(`process exited with ${code} before printing: ${stderr}`)));
  });
  firstLine.catch(() => {});
  return { child, firstLine, stderr: () => stderr, exited };
}
