import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EmulatorError, EmulatorErrorCode } from './errors.js';

/** Every executable regular file in `<layerDir>/extensions/`, sorted by name, as Lambda starts them from /opt. */
export async function listLayerExtensions(layerDir: string): Promise<string[]> {
  const layer = await stat(layerDir).catch(() => null);
  if (!layer?.isDirectory()) {
    throw new EmulatorError(EmulatorErrorCode.BadOptions, `layerDir ${layerDir} is not a directory`);
  }
  const dir = join(layerDir, 'extensions');
  const names = await readdir(dir).catch(() => [] as string[]);
  const executables: string[] = [];
  for (const name of names.sort()) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) continue;
    const executable = await access(path, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (executable) executables.push(path);
  }
  return executables;
}
