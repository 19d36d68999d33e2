import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuiltLayer, buildLayer } from '../../src/layer/build-layer.js';

export const FUNCTIONS_DIR = fileURLToPath(new URL('../../../testkit/functions/', import.meta.url));

export function functionDir(name: string): string {
  return path.join(FUNCTIONS_DIR, name);
}

/** A port that was free a moment ago (the proxy must listen on a fixed LRAP_LISTENER_PORT). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export async function buildTestLayer(): Promise<BuiltLayer> {
  return buildLayer({ outDir: mkdtempSync(path.join(tmpdir(), 'tapline-layer-test-')) });
}

/** Function env that makes the emulator's runtime go through the layer's wrapper and proxy. */
export function layerEnv(
  layer: BuiltLayer,
  port: number,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    AWS_LAMBDA_EXEC_WRAPPER: path.join(layer.layerDir, 'wrapper-script.sh'),
    LRAP_LISTENER_PORT: String(port),
    ...extra,
  };
}
