import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/server.js';
import { httpRequest } from './support/http.js';
import { makeTempDir } from './support/temp-dir.js';

describe('serving a built dashboard', () => {
  const temp = makeTempDir();
  const dist = join(temp.dir, 'dist');
  let server: RunningServer;

  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Tapline</title><div id="root"></div>');
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
    server = await startServer({
      port: 0,
      dataDir: join(temp.dir, 'data'),
      dashboardDir: dist,
      logLevel: 'silent',
      workerMode: 'inline',
    });
  });
  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  it('serves index.html at / and the assets', async () => {
    expect((await httpRequest(`${server.url}/`)).text).toContain('<title>Tapline</title>');
    const asset = await httpRequest(`${server.url}/assets/app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
  });

  it('falls back to index.html for deep links that accept HTML, never for the API', async () => {
    const deep = await httpRequest(`${server.url}/collections/abc?tab=sensitive`, {
      headers: { accept: 'text/html' },
    });
    expect(deep.status).toBe(200);
    expect(deep.text).toContain('<div id="root">');
    const api = await httpRequest(`${server.url}/api/nothing`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(api.json()).toMatchObject({ success: false });
    const json = await httpRequest(`${server.url}/collections/abc`, {
      headers: { accept: 'application/json' },
    });
    expect(json.status).toBe(404);
  });
});
