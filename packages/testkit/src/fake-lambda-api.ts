import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A function as the fake holds it: the fields of GetFunctionConfiguration that the CLI reads. */
export interface FakeFunction {
  FunctionName: string;
  FunctionArn?: string;
  Runtime?: string;
  Handler?: string;
  PackageType?: 'Zip' | 'Image';
  Architectures?: string[];
  Layers?: string[];
  Environment?: Record<string, string>;
  /** Number of GetFunctionConfiguration answers reporting LastUpdateStatus=InProgress after each update. */
  inProgressPolls?: number;
}

export interface FakeLayerVersion {
  LayerName: string;
  Version: number;
  LayerArn: string;
  LayerVersionArn: string;
  CompatibleArchitectures: string[];
  CompatibleRuntimes: string[];
  Description?: string;
  zipBytes: number;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** The parsed JSON body, or undefined when there was none. */
  body: unknown;
}

export interface InjectedFault {
  method: string;
  /** The request path must start with this. */
  pathPrefix: string;
  status: 403 | 404 | 409 | 429 | 500;
  type: string;
  message?: string;
}

interface FunctionState {
  config: Required<Omit<FakeFunction, 'inProgressPolls' | 'FunctionArn' | 'Handler'>> & { Handler?: string };
  inProgressPolls: number;
  pendingPolls: number;
  revision: number;
}

export interface FakeLambdaApiOptions {
  /** Functions per ListFunctions page unless the request asks for fewer (Lambda's own maximum is 50). */
  listPageSize?: number;
}

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/**
 * A stand-in for the AWS Lambda control-plane API (REST/JSON, 2015-03-31 and 2018-10-31 layer routes) on
 * 127.0.0.1: functions and layers live in memory, every request is recorded, and faults (409 conflict,
 * 404, throttling) can be injected once. Point `@aws-sdk/client-lambda` at `url` with static credentials.
 */
export class FakeLambdaApi {
  readonly requests: RecordedRequest[] = [];
  private readonly functions = new Map<string, FunctionState>();
  private readonly layers = new Map<string, FakeLayerVersion[]>();
  private readonly faults: InjectedFault[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly listPageSize: number,
  ) {}

  static async start(options: FakeLambdaApiOptions = {}): Promise<FakeLambdaApi> {
    let api: FakeLambdaApi | undefined;
    const server = http.createServer((req, res) => {
      api!.handle(req, res).catch((error: unknown) => {
        send(res, 500, { message: String(error) }, 'ServiceException');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    api = new FakeLambdaApi(server, `http://127.0.0.1:${port}`, options.listPageSize ?? 50);
    server.on('connection', (socket) => {
      api!.sockets.add(socket);
      socket.on('close', () => api!.sockets.delete(socket));
    });
    return api;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addFunction(fn: FakeFunction): void {
    this.functions.set(fn.FunctionName, {
      config: {
        FunctionName: fn.FunctionName,
        Runtime: fn.Runtime ?? 'nodejs20.x',
        ...(fn.Handler === undefined ? {} : { Handler: fn.Handler }),
        PackageType: fn.PackageType ?? 'Zip',
        Architectures: fn.Architectures ?? ['x86_64'],
        Layers: [...(fn.Layers ?? [])],
        Environment: { ...(fn.Environment ?? {}) },
      },
      inProgressPolls: fn.inProgressPolls ?? 0,
      pendingPolls: 0,
      revision: 1,
    });
  }

  /** Adds a layer version as if published earlier; returns its version ARN. */
  addLayerVersion(name: string, options: { architectures?: string[]; runtimes?: string[] } = {}): string {
    return this.publish(name, options.architectures ?? [], options.runtimes ?? [], 0, undefined)
      .LayerVersionArn;
  }

  /** The function's current configuration (layers as ARNs, environment as a map). */
  getFunction(name: string): FakeFunction | undefined {
    const state = this.functions.get(name);
    if (state === undefined) return undefined;
    return structuredClone(state.config);
  }

  layerVersions(name: string): FakeLayerVersion[] {
    return structuredClone(this.layers.get(name) ?? []);
  }

  /** The next request matching method and path prefix gets this error instead of its answer. */
  injectFaultOnce(fault: InjectedFault): void {
    this.faults.push(fault);
  }

  /** Requests other than reads, e.g. to assert that an idempotent run changed nothing. */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? 'GET';
    const body: unknown = raw.length > 0 ? JSON.parse(raw) : undefined;
    this.requests.push({ method, path, query: Object.fromEntries(url.searchParams), body });

    const faultIndex = this.faults.findIndex((f) => f.method === method && path.startsWith(f.pathPrefix));
    if (faultIndex >= 0) {
      const [fault] = this.faults.splice(faultIndex, 1);
      send(res, fault!.status, { Type: 'User', message: fault!.message ?? fault!.type }, fault!.type);
      return;
    }

    if (/^\/2015-03-31\/functions\/?$/.test(path) && method === 'GET')
      return this.list(url.searchParams, res);
    let match = /^\/2015-03-31\/functions\/([^/]+)\/configuration$/.exec(path);
    if (match !== null) {
      const state = this.functions.get(match[1]!);
      if (state === undefined) return notFound(res, `Function not found: ${this.functionArn(match[1]!)}`);
      if (method === 'GET') return send(res, 200, this.describe(state));
      if (method === 'PUT') return this.update(state, body as UpdateBody, res);
    }
    match = /^\/2015-03-31\/functions\/([^/]+)$/.exec(path);
    if (match !== null && method === 'GET') {
      const state = this.functions.get(match[1]!);
      if (state === undefined) return notFound(res, `Function not found: ${this.functionArn(match[1]!)}`);
      return send(res, 200, { Configuration: this.describe(state) });
    }
    match = /^\/2018-10-31\/layers\/([^/]+)\/versions$/.exec(path);
    if (match !== null && method === 'POST') {
      const b = body as PublishBody;
      const zip = Buffer.from(b.Content?.ZipFile ?? '', 'base64');
      const version = this.publish(
        match[1]!,
        b.CompatibleArchitectures ?? [],
        b.CompatibleRuntimes ?? [],
        zip.length,
        b.Description,
      );
      return send(res, 201, layerVersionJson(version));
    }
    if (match !== null && method === 'GET') {
      const arch = url.searchParams.get('CompatibleArchitecture');
      const versions = (this.layers.get(match[1]!) ?? [])
        .filter((v) => arch === null || v.CompatibleArchitectures.includes(arch))
        .sort((a, b) => b.Version - a.Version);
      return send(res, 200, { LayerVersions: versions.map(layerVersionJson) });
    }
    if (path === '/2018-10-31/layers' && url.searchParams.get('find') === 'LayerVersion') {
      const arn = url.searchParams.get('Arn') ?? '';
      const found = [...this.layers.values()].flat().find((v) => v.LayerVersionArn === arn);
      if (found === undefined) return notFound(res, `Layer version ${arn} does not exist.`);
      return send(res, 200, layerVersionJson(found));
    }
    send(
      res,
      404,
      { message: `fake Lambda API has no route ${method} ${path}` },
      'UnknownOperationException',
    );
  }

  /** ListFunctions: functions in name order, paged with an opaque Marker / NextMarker like Lambda's. */
  private list(query: URLSearchParams, res: ServerResponse): void {
    const names = [...this.functions.keys()].sort();
    const marker = query.get('Marker');
    let start = 0;
    if (marker !== null) {
      start = Number(Buffer.from(marker, 'base64url').toString('utf8'));
      if (!Number.isInteger(start) || start < 0 || start > names.length) {
        send(
          res,
          400,
          { Type: 'User', message: `Invalid Marker ${marker}` },
          'InvalidParameterValueException',
        );
        return;
      }
    }
    const max = Math.min(
      Number(query.get('MaxItems') ?? this.listPageSize) || this.listPageSize,
      this.listPageSize,
    );
    const page = names.slice(start, start + max);
    const next = start + page.length;
    send(res, 200, {
      // A listing does not count as one of the polls that report an update in progress.
      Functions: page.map((name) => this.describe(this.functions.get(name)!, true)),
      ...(next < names.length ? { NextMarker: Buffer.from(String(next)).toString('base64url') } : {}),
    });
  }

  private update(state: FunctionState, body: UpdateBody, res: ServerResponse): void {
    if (state.pendingPolls > 0) {
      send(
        res,
        409,
        {
          Type: 'User',
          message: `The operation cannot be performed at this time. An update is in progress for resource: ${this.functionArn(state.config.FunctionName)}`,
        },
        'ResourceConflictException',
      );
      return;
    }
    if (body.Layers !== undefined) state.config.Layers = [...body.Layers];
    if (body.Environment !== undefined) state.config.Environment = { ...(body.Environment.Variables ?? {}) };
    state.revision += 1;
    state.pendingPolls = state.inProgressPolls;
    send(res, 200, { ...this.describe(state, true) });
  }

  private describe(state: FunctionState, justUpdated = false): Record<string, unknown> {
    let status = 'Successful';
    if (justUpdated) status = state.pendingPolls > 0 ? 'InProgress' : 'Successful';
    else if (state.pendingPolls > 0) {
      state.pendingPolls -= 1;
      status = 'InProgress';
    }
    const c = state.config;
    return {
      FunctionName: c.FunctionName,
      FunctionArn: this.functionArn(c.FunctionName),
      Runtime: c.PackageType === 'Image' ? undefined : c.Runtime,
      Handler: c.Handler,
      PackageType: c.PackageType,
      Architectures: c.Architectures,
      Layers: c.Layers.map((Arn) => ({ Arn, CodeSize: 1000 })),
      Environment: { Variables: c.Environment },
      State: 'Active',
      LastUpdateStatus: status,
      RevisionId: `rev-${state.revision}`,
    };
  }

  private publish(
    name: string,
    architectures: string[],
    runtimes: string[],
    zipBytes: number,
    description: string | undefined,
  ): FakeLayerVersion {
    const versions = this.layers.get(name) ?? [];
    const version = (versions.at(-1)?.Version ?? 0) + 1;
    const layerArn = `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${name}`;
    const entry: FakeLayerVersion = {
      LayerName: name,
      Version: version,
      LayerArn: layerArn,
      LayerVersionArn: `${layerArn}:${version}`,
      CompatibleArchitectures: [...architectures],
      CompatibleRuntimes: [...runtimes],
      ...(description === undefined ? {} : { Description: description }),
      zipBytes,
    };
    versions.push(entry);
    this.layers.set(name, versions);
    return entry;
  }

  private functionArn(name: string): string {
    return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
  }
}

interface UpdateBody {
  Layers?: string[];
  Environment?: { Variables?: Record<string, string> };
}

interface PublishBody {
  Content?: { ZipFile?: string };
  CompatibleArchitectures?: string[];
  CompatibleRuntimes?: string[];
  Description?: string;
}

function layerVersionJson(v: FakeLayerVersion): Record<string, unknown> {
  return {
    LayerArn: v.LayerArn,
    LayerVersionArn: v.LayerVersionArn,
    Version: v.Version,
    Description: v.Description,
    CompatibleArchitectures: v.CompatibleArchitectures,
    CompatibleRuntimes: v.CompatibleRuntimes,
    Content: { CodeSize: v.zipBytes },
    CreatedDate: '2026-01-01T00:00:00.000+0000',
  };
}

function notFound(res: ServerResponse, message: string): void {
  send(res, 404, { Type: 'User', message }, 'ResourceNotFoundException');
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (errorType !== undefined) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers);
  res.end(JSON.stringify(body));
}
