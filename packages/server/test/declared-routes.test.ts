import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/server.js';
import { httpRequest, postJson } from './support/http.js';
import { makeRecord, wireBody } from './support/records.js';
import { makeTempDir } from './support/temp-dir.js';

const HOST = 'abc123.execute-api.eu-west-1.amazonaws.com';
const PROD = `${HOST}#prod`;

interface CollectionDto {
  id: string;
  name: string;
  host: string | null;
  tags: Record<string, string>;
}
interface EndpointDto {
  id: string;
  method: string;
  path: string;
  declaredRoute?: true;
}

describe('declared API Gateway routes through tapline serve', () => {
  const temp = makeTempDir();
  let server: RunningServer;
  let collection: CollectionDto;
  let collections: CollectionDto[];
  let endpoints: EndpointDto[];
  const headers = { host: HOST, 'content-type': 'application/json' };
  const endpointsOf = async (id: string) =>
    (
      (await httpRequest(`${server.url}/api/collections/${id}/endpoints`)).json() as {
        endpoints: EndpointDto[];
      }
    ).endpoints;

  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, dataDir: temp.dir, logLevel: 'silent' });
    const gateway = { declaredRoute: '/users/{id}', apiStage: 'prod', apiId: 'abc123' };
    const records = [
      makeRecord({ ...gateway, path: '/users/42', requestHeaders: headers }),
      makeRecord({ ...gateway, path: '/users/43', requestHeaders: headers }),
      // No stage and no declared route (a function URL, say): the host's own collection, templated.
      makeRecord({ path: '/orders/17', requestHeaders: headers }),
      makeRecord({ ...gateway, apiStage: 'dev', path: '/users/44', requestHeaders: headers }),
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
    expect(ingested.json()).toMatchObject({ accepted: 5 });
    await server.waitForInventory();
    const list = (await httpRequest(`${server.url}/api/collections`)).json() as {
      collections: CollectionDto[];
    };
    collections = list.collections;
    const found = collections.find((c) => c.name === PROD);
    if (found === undefined) throw new Error(`no collection ${PROD}`);
    collection = found;
    endpoints = await endpointsOf(collection.id);
  });

  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  it('makes each stage a collection of its host, tagged with the stage and the API id', async () => {
    expect(collections.map((c) => [c.name, c.host, c.tags.stage ?? null, c.tags.apiId ?? null])).toEqual([
      [HOST, HOST, null, null],
      [`${HOST}#dev`, HOST, 'dev', 'abc123'],
      [PROD, HOST, 'prod', 'abc123'],
    ]);
    const host = collections.find((c) => c.name === HOST) as CollectionDto;
    expect((await endpointsOf(host.id)).map((e) => `${e.method} ${e.path}`)).toEqual(['GET /orders/INTEGER']);
  });

  it('filters collections by tag; a malformed tag is a 400 naming the parameter', async () => {
    const named = async (query: string) =>
      (
        (await httpRequest(`${server.url}/api/collections?${query}`)).json() as {
          collections: CollectionDto[];
        }
      ).collections.map((c) => c.name);
    expect(await named('tag=stage:prod')).toEqual([PROD]);
    expect(await named('tag=apiId:abc123')).toEqual([`${HOST}#dev`, PROD]);
    expect(await named('tag=apiId:abc123&tag=stage:dev')).toEqual([`${HOST}#dev`]);
    expect(await named(`tag=${encodeURIComponent('stage:$default')}`)).toEqual([]);
    for (const bad of ['stage', ':prod', 'stage:']) {
      const response = await httpRequest(`${server.url}/api/collections?tag=${encodeURIComponent(bad)}`);
      expect(response.status).toBe(400);
      expect(response.json()).toMatchObject({ code: 'TAPLINE_SERVER_BAD_REQUEST' });
      expect((response.json() as { error: string }).error).toMatch(/^tag: expected <key>:<value>/);
    }
  });

  it('lists the declared routes as endpoints, marked declaredRoute', () => {
    expect(endpoints.map((e) => [`${e.method} ${e.path}`, e.declaredRoute])).toEqual([
      ['GET /admin', true],
      ['GET /users/{id}', true],
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
    expect(Object.keys(doc.paths).sort()).toEqual(['/admin', '/users/{id}']);
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

  it('a declared route without parameters stays exempt from sibling merging after a restart', async () => {
    // An HTTP API stage: declared routes, and a `$default` catch-all whose records declare nothing.
    const gateway = { apiStage: '$default', apiId: 'abc123', requestHeaders: headers };
    const names = 'alpha beta gamma delta epsilon zeta eta theta iota'.split(' ');
    const declared = names.map((n) =>
      makeRecord({ ...gateway, path: `/teams/${n}/members`, declaredRoute: `/teams/${n}/members` }),
    );
    await postJson(`${server.url}/api/ingestData`, wireBody(declared));
    await server.waitForInventory();
    await server.close();
    server = await startServer({ host: '127.0.0.1', port: 0, dataDir: temp.dir, logLevel: 'silent' });
    const catchAll = makeRecord({ ...gateway, path: '/teams/kappa/members' });
    expect((await postJson(`${server.url}/api/ingestData`, wireBody([catchAll]))).json()).toMatchObject({
      accepted: 1,
    });
    await server.waitForInventory();
    const list = (await httpRequest(`${server.url}/api/collections?tag=stage:$default`)).json() as {
      collections: CollectionDto[];
    };
    expect(list.collections.map((c) => c.name)).toEqual([`${HOST}#$default`]);
    const paths = (await endpointsOf(list.collections[0]?.id as string)).map((e) => [
      e.path,
      e.declaredRoute,
    ]);
    expect(paths).toEqual(
      [...names.map((n) => [`/teams/${n}/members`, true]).sort(), ['/teams/kappa/members', undefined]].sort(),
    );
  });
});
