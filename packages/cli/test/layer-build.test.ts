import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../src/program.js';

describe('tapline layer build', () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('writes DIR/tapline-layer-<arch>.zip with the launcher, wrapper and bundle, and prints its path', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'tapline-cli-layer-'));
    dirs.push(out);
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    await buildProgram().parseAsync(['node', 'tapline', 'layer', 'build', '--arch', 'arm64', '--out', out]);
    const zip = path.join(out, 'tapline-layer-arm64.zip');
    expect(printed.join('')).toBe(`${zip}\n`);
    expect(existsSync(zip)).toBe(true);
    const listing = execFileSync('unzip', ['-Z', zip], { encoding: 'utf8' });
    expect(listing).toMatch(/-rwxr-xr-x .* extensions\/tapline\n/);
    expect(listing).toMatch(/-rwxr-xr-x .* wrapper-script\.sh\n/);
    expect(listing).toMatch(/ tapline\/extension\.mjs\n/);
    expect(listing).not.toMatch(/tapline\/bin\/node/);
  });

  it('rejects an unknown architecture', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await expect(
      buildProgram().parseAsync(['node', 'tapline', 'layer', 'build', '--arch', 'mips']),
    ).rejects.toMatchObject({
      code: 'commander.invalidArgument',
    });
  });
});
