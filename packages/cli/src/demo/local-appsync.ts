import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  buildSchema,
  type ExecutionResult,
  GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLSchema,
  graphql,
} from 'graphql';
import { VtlTemplate } from '../resolver-templates/render-vtl.js';
import { appSyncInfo } from '../resolver-templates/resolve-info.js';
import { requestTemplate, responseTemplate } from '../resolver-templates/templates.js';
import type { DemoFunction } from './demo-function.js';

export interface GraphqlRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

interface ResolverContext {
  headers: Record<string, string>;
}

/** The mapping template's output for a Lambda data source. */
interface LambdaRequest {
  version?: string;
  operation?: string;
  payload?: unknown;
}

/**
 * Fields served by a direct Lambda resolver: no mapping template, the function gets AppSync's context as
 * its event and the extension recognises it as such.
 */
export const DIRECT_RESOLVER_FIELDS: readonly { type: string; field: string }[] = [
  { type: 'User', field: 'orders' },
];

/**
 * AppSync, simulated: graphql-js executes the request against the schema; every root field is a unit
 * resolver whose request mapping template is Tapline's VTL (rendered by amplify-velocity-template with the
 * $util of ../resolver-templates/appsync-util.ts), whose data source is the Lambda function on the
 * emulator, and whose response template turns function errors into GraphQL errors. The fields of
 * DIRECT_RESOLVER_FIELDS have direct Lambda resolvers instead (no template).
 */
export class LocalAppSync {
  readonly schema: GraphQLSchema;
  private readonly request = new VtlTemplate(requestTemplate('vtl'), 'akto-data.vtl');
  private readonly response = new VtlTemplate(responseTemplate(), 'akto-data.response.vtl');

  constructor(
    sdl: string,
    private readonly dataSource: DemoFunction,
    /** AppSync's own host name, which resolvers see in the host header. */
    readonly apiHost: string,
  ) {
    this.schema = buildSchema(sdl);
    for (const type of [this.schema.getQueryType(), this.schema.getMutationType()]) {
      if (type) this.attachResolvers(type);
    }
    for (const { type, field } of DIRECT_RESOLVER_FIELDS) {
      const object = this.schema.getType(type) as GraphQLObjectType | undefined;
      const definition = object?.getFields()[field];
      if (definition === undefined) throw new Error(`the schema has no field ${type}.${field}`);
      definition.resolve = this.directResolver;
    }
  }

  execute(request: GraphqlRequest, headers: Record<string, string>): Promise<ExecutionResult> {
    return graphql({
      schema: this.schema,
      source: request.query,
      variableValues: request.variables ?? null,
      operationName: request.operationName ?? null,
      contextValue: { headers: { ...headers, host: this.apiHost } } satisfies ResolverContext,
    });
  }

  private attachResolvers(type: GraphQLObjectType): void {
    for (const field of Object.values(type.getFields())) {
      field.resolve = this.lambdaResolver;
    }
  }

  private readonly lambdaResolver: GraphQLFieldResolver<unknown, ResolverContext> = async (
    _source,
    args,
    context,
    info,
  ) => {
    const vtlInfo = {
      fieldName: info.fieldName,
      parentTypeName: info.parentType.name,
      fieldNodes: info.fieldNodes,
      // graphql-js hands out prototype-less objects; the VTL value mapper wants plain ones.
      variableValues: plain(info.variableValues),
      fragments: info.fragments,
    };
    const argumentsJson = plain(args);
    const mapped = this.request.render({
      arguments: argumentsJson,
      headers: context.headers,
      info: vtlInfo,
    }) as LambdaRequest;
    if (mapped.operation !== 'Invoke' || mapped.payload === undefined) {
      throw new GraphQLError('the request mapping template did not produce a Lambda Invoke request');
    }
    const invocation = await this.dataSource.invoke(mapped.payload);
    const text = invocation.body.toString('utf8');
    let result: unknown = null;
    let error: { message: string; type: string } | undefined;
    if (invocation.outcome === 'response') result = text === '' ? null : JSON.parse(text);
    else {
      const body = safeJson(text) as { errorMessage?: string; errorType?: string } | undefined;
      error = { message: body?.errorMessage ?? text, type: `Lambda:${invocation.errorType ?? 'Unhandled'}` };
    }
    return this.response.render({
      arguments: argumentsJson,
      headers: context.headers,
      info: vtlInfo,
      result,
      ...(error === undefined ? {} : { error }),
    });
  };

  /** A direct Lambda resolver: the event is AppSync's context itself (API key mode: `identity` null). */
  private readonly directResolver: GraphQLFieldResolver<unknown, ResolverContext> = async (
    source,
    args,
    context,
    info,
  ) => {
    const event = {
      arguments: plain(args),
      identity: null,
      source: plain(source),
      request: { headers: context.headers, domainName: null },
      prev: null,
      info: appSyncInfo({
        fieldName: info.fieldName,
        parentTypeName: info.parentType.name,
        fieldNodes: info.fieldNodes,
        variableValues: plain(info.variableValues),
        fragments: info.fragments,
      }),
      stash: {},
    };
    const invocation = await this.dataSource.invoke(event);
    const text = invocation.body.toString('utf8');
    if (invocation.outcome === 'response') return text === '' ? null : JSON.parse(text);
    // AppSync turns a direct resolver's function error into a GraphQL error of the field.
    const body = safeJson(text) as { errorMessage?: string } | undefined;
    throw new GraphQLError(body?.errorMessage ?? text, {
      extensions: { errorType: `Lambda:${invocation.errorType ?? 'Unhandled'}` },
    });
  };
}

function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value ?? {})) as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The AppSync endpoint: `POST /graphql` with an API key, like an AppSync API with API_KEY auth. */
export class LocalAppSyncServer {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(api: LocalAppSync, apiKey: string, port = 0): Promise<LocalAppSyncServer> {
    const server = http.createServer((req, res) => {
      handle(api, apiKey, req, res).catch((error: unknown) =>
        sendJson(res, 500, { errors: [{ message: String(error) }] }),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    const { port: bound } = server.address() as AddressInfo;
    const running = new LocalAppSyncServer(server, `http://127.0.0.1:${bound}/graphql`);
    server.on('connection', (socket) => {
      running.sockets.add(socket);
      socket.on('close', () => running.sockets.delete(socket));
    });
    return running;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function handle(
  api: LocalAppSync,
  apiKey: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/graphql') {
    sendJson(res, 404, { errors: [{ errorType: 'NotFound', message: 'POST /graphql' }] });
    return;
  }
  if (req.headers['x-api-key'] !== apiKey) {
    sendJson(res, 401, {
      errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }],
    });
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = safeJson(Buffer.concat(chunks).toString('utf8')) as GraphqlRequest | undefined;
  if (body === undefined || typeof body.query !== 'string') {
    sendJson(res, 400, {
      errors: [{ errorType: 'MalformedHttpRequestException', message: 'body must be {query, variables}' }],
    });
    return;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers[name] = value;
    else if (Array.isArray(value)) headers[name] = value.join(', ');
  }
  // AppSync's front door appends the client address, as CloudFront does.
  const peer = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${peer}` : peer;
  const result = await api.execute(body, headers);
  sendJson(res, 200, result);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
