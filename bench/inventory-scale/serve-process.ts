/** `tapline serve` as a child process, and the timing helpers the inventory-scale scripts share. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface Server {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

/** Starts the built CLI (`bin`) on `dataDir` with default settings; resolves once it printed its URL. */
export async function startServe(bin: string, dataDir: string): Promise<Server> {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build first`);
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, TAPLINE_LOG_LEVEL: process.env.TAPLINE_LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
    void exited.then(() => reject(new Error('tapline serve exited before printing its URL')));
  });
  const url = /(http:\/\/\S+)/.exec(line)?.[1];
  if (url === undefined) throw new Error(`unexpected first line: ${line}`);
  return { child, url, exited };
}

export async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Milliseconds `run` took. */
export async function timed(run: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await run();
  return performance.now() - t;
}

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
