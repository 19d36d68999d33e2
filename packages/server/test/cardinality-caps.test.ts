import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/server.js';
import { httpRequest, postJson } from './support/http.js';
import { makeRecord, wireBody } from './support/records.js';
import { makeTempDir } from './support/temp-dir.js';

describe('cardinality caps over HTTP', () => {
  const temp = makeTempDir();
  afterAll(() => temp.remove());

  it('counts what the caps keep out in the collection object and in /metrics', async () => {
    const server = await startServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: temp.dir,
      logLevel: 'silent',
      workerMode: 'inline',
      maxEndpointsPerCollection: 2,
      maxParametersPerEndpoint: 3,
    });
    try {
      const paths = ['/alpha', '/bravo', '/charlie', '/delta', '/alpha'];
      const body = wireBody(paths.map((path) => makeRecord({ path })));
      expect((await postJson(`${server.url}/api/ingestData`, body)).status).toBe(200);
      await server.waitForInventory();
      const { collections } = (await httpRequest(`${server.url}/api/collections`)).json() as {
        collections: { endpoints: number; callsOverEndpointCap: number; valuesOverParameterCap: number }[];
      };
      expect(collections).toHaveLength(1);
      expect(collections[0]).toMatchObject({ endpoints: 2, callsOverEndpointCap: 2 });
      expect(collections[0]?.valuesOverParameterCap).toBeGreaterThan(0);
      const metrics = (await httpRequest(`${server.url}/metrics`)).text;
      expect(metrics).toContain('tapline_inventory_calls_over_endpoint_cap_total 2\n');
      expect(metrics).toMatch(/tapline_inventory_values_over_parameter_cap_total [1-9]\d*\n/);
    } finally {
      await server.close();
    }
  });
});
