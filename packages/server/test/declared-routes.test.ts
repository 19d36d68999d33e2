import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/server.js';
import { httpRequest, postJson } from './support/http.js';
import { makeRecord, wireBody } from './support/records.js';
import { makeTempDir } from './support/temp-dir.js';

const HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';

interface CollectionDto {
  id: string;
  host: string | null;
  tags: Record<string, string>;
}
interface EndpointDto {
  id: string;
  method: string;
  path: string;
}

describe('declared API Gateway routes through tapline serve', () => {
  const temp = makeTempDir();
  let server: RunningServer;
  let collection: CollectionDto;
  let endpoints: EndpointDto[];

  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, dataDir: temp.dir, logLevel: 'silent' });
    const gateway = { declaredRoute: '/users/{id}', apiStage: 'prod', apiId: 'abc123' };
    const headers = { host: HOST, 'content-type': 'application/json' };
    const records = [
      makeRecord({ ...gateway, path: '/users/42', requestHeaders: headers }),
      makeRecord({ ...gateway, path: '/users/43', requestHeaders: headers }),
      // No declared route (a function URL, say): the heuristics template it.
      makeRecord({ path: '/orders/17', requestHeaders: headers }),
      makeRecord({
        ...gateway,
        declaredRoute: '/admin',
        path: '/admin',
        requestHeaders: headers,
        platformAuth: [
          { type: 'IAM', principal: 'arn:aws:iam::123456789012:user/ops', accountId: '123456789012' },
        ],
      }),
    ];
    const ingested = await postJson(`${server.url}/api/ingestData`, wireBody(records));
    expect(ingested.json()).toMatchObject({ accepted: 4 });
    await server.waitForInventory();
    const list = (await httpRequest(`${server.url}/api/collections`)).json() as {
      collections: CollectionDto[];
    };
    const found = list.collections.find((c) => c.host === HOST);
    if (found === undefined) throw new Error('no collection for the API host');
    collection = found;
    const page = (await httpRequest(`${server.url}/api/collections/${collection.id}/endpoints`)).json() as {
      endpoints: EndpointDto[];
    };
    endpoints = page.endpoints;
  });

  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  it('tags the collection with the stage and the API id', () => {
    expect(collection.tags).toMatchObject({ stage: 'prod', apiId: 'abc123' });
  });

  it('lists the declared route as the endpoint, beside the heuristic one', () => {
    expect(endpoints.map((e) => `${e.method} ${e.path}`).sort()).toEqual([
      'GET /admin',
      'GET /orders/INTEGER',
      'GET /users/{id}',
    ]);
  });

  it('names the path parameter as the route does', async () => {
    const declared = endpoints.find((e) => e.path === '/users/{id}');
    const detail = (await httpRequest(`${server.url}/api/endpoints/${declared?.id}`)).json() as {
      parameters: { in: string; name: string; types: string[] }[];
    };
    const path = detail.parameters.filter((p) => p.in === 'path');
    expect(path.map((p) => p.name)).toEqual(['id']);
    expect(path[0]?.types).toContain('INTEGER_32');
  });

  it('exports the declared path and parameter name in OpenAPI', async () => {
    const response = await httpRequest(`${server.url}/api/collections/${collection.id}/openapi.json`);
    expect(response.status).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: assertions walk a free-form JSON document
    const doc = response.json() as Record<string, any>;
    expect(Object.keys(doc.paths).sort()).toEqual(['/admin', '/orders/{INTEGER2}', '/users/{id}']);
    expect(doc.paths['/admin'].get.security).toEqual([{ awsSigv4: [] }]);
    expect(doc.components.securitySchemes.awsSigv4).toMatchObject({
      'x-amazon-apigateway-authtype': 'awsSigv4',
    });
    const params = doc.paths['/users/{id}'].get.parameters.filter((p: { in: string }) => p.in === 'path');
    expect(params).toEqual([expect.objectContaining({ name: 'id', required: true })]);
  });

  it('filters endpoints by a platform auth type; the caller identity is not served', async () => {
    const base = `${server.url}/api/collections/${collection.id}/endpoints`;
    const iam = (await httpRequest(`${base}?auth=IAM`)).json() as {
      endpoints: (EndpointDto & { authTypes: string[] })[];
    };
    expect(iam.endpoints.map((e) => [e.path, e.authTypes])).toEqual([['/admin', ['IAM']]]);
    expect((await httpRequest(`${base}?auth=COGNITO`)).json()).toMatchObject({ total: 0 });
    expect((await httpRequest(`${base}?auth=NOPE`)).status).toBe(400);
    const detail = await httpRequest(`${server.url}/api/endpoints/${iam.endpoints[0]?.id}`);
    expect(detail.status).toBe(200);
    expect(detail.text).not.toContain('user/ops');
    expect(detail.text).not.toContain('123456789012');
  });
});
