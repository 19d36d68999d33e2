import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorError, EmulatorErrorCode } from './errors.js';
import { ExecutionEnvironment, type FunctionIdentity } from './execution-environment.js';
import { errorTypeFromBody, flatHeaders, header, readBody, sendError, sendJson } from './http-io.js';
import {
  EXTENSION_EVENT_TYPES,
  EXTENSION_PREFIX,
  type ExtensionEventType,
  Header,
  MAX_BUFFERED_PAYLOAD_BYTES,
  RUNTIME_PREFIX,
} from './protocol.js';
import type { InvocationResult, InvokeOptions } from './types.js';

export interface RuntimeApiServerOptions {
  functionName?: string;
  functionVersion?: string;
  region?: string;
  timeoutMs?: number;
  /** Reported to extensions on register (the `_HANDLER` of the function). */
  handler?: string;
  /** 0 (default) = ephemeral; always 127.0.0.1. */
  port?: number;
}

const INVOCATION_ROUTE = new RegExp(`^${RUNTIME_PREFIX}/invocation/([^/]+)/(response|error)$`);
const ACCEPTED = { status: 'OK' } as const;
/** The account id the emulated function lives in (ARNs, accountId feature). */
const ACCOUNT_ID = '123456789012';

/**
 * The Runtime API and Extensions API over HTTP, on 127.0.0.1. Usable on its own: a test can play the runtime
 * and extensions with raw HTTP against `runtimeApi` and call `invoke()` here.
 */
export class RuntimeApiServer {
  private constructor(
    private readonly server: Server,
    readonly environment: ExecutionEnvironment,
    readonly runtimeApi: string,
  ) {}

  static async listen(options: RuntimeApiServerOptions = {}): Promise<RuntimeApiServer> {
    const environment = new ExecutionEnvironment(functionIdentity(options));
    const server = createServer({ requestTimeout: 0, keepAliveTimeout: 60_000 });
    // Long polls may legitimately wait for minutes.
    server.timeout = 0;
    server.on('request', (req, res) => {
      route(environment, req, res).catch((error: unknown) => {
        if (!res.headersSent) sendError(res, 500, 'Emulator.InternalError', String(error));
        else res.destroy();
      });
    });
    const port = options.port ?? 0;
    await new Promise<void>((resolve, reject) => {
      const onError = (cause: Error) => {
        const message = `cannot listen on 127.0.0.1:${port} (${cause.message}); use another port or 0`;
        reject(new EmulatorError(EmulatorErrorCode.BadOptions, message, { cause }));
      };
      server.once('error', onError);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', onError);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    return new RuntimeApiServer(server, environment, `127.0.0.1:${address.port}`);
  }

  invoke(payload: Buffer, options?: InvokeOptions): Promise<InvocationResult> {
    return this.environment.invoke(payload, options);
  }

  get registeredExtensions(): readonly string[] {
    return this.environment.registeredExtensions.map((e) => e.name);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

export function functionIdentity(options: RuntimeApiServerOptions): FunctionIdentity {
  const functionName = options.functionName ?? 'test-function';
  const region = options.region ?? 'us-east-1';
  return {
    functionName,
    functionVersion: options.functionVersion ?? '$LATEST',
    handler: options.handler ?? '',
    accountId: ACCOUNT_ID,
    functionArn: `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${functionName}`,
    timeoutMs: options.timeoutMs ?? 3000,
  };
}

async function route(env: ExecutionEnvironment, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const method = req.method ?? 'GET';
  const known = (m: string, handle: () => Promise<void> | void) => {
    if (method === m) return handle();
    return readBody(req, 0).then(() => sendError(res, 405, 'MethodNotAllowed', `${method} ${path}`));
  };

  if (path === `${RUNTIME_PREFIX}/invocation/next`) return known('GET', () => env.runtimeNext(res));
  const invocationMatch = INVOCATION_ROUTE.exec(path);
  if (invocationMatch) {
    const requestId = safeDecode(invocationMatch[1]!);
    const kind = invocationMatch[2] as 'response' | 'error';
    return known('POST', () => (kind === 'response' ? onResponse : onError)(env, req, res, requestId));
  }
  if (path === `${RUNTIME_PREFIX}/init/error`) {
    return known('POST', () => onInitError(env, req, res, 'runtime'));
  }
  if (path === `${RUNTIME_PREFIX}/restore/next`) {
    return known('GET', () => {
      res.writeHead(200, { 'content-length': 0 });
      res.end();
    });
  }
  if (path === `${RUNTIME_PREFIX}/restore/error`) {
    return known('POST', () => onInitError(env, req, res, 'runtime restore'));
  }
  if (path === `${EXTENSION_PREFIX}/register`) return known('POST', () => onRegister(env, req, res));
  if (path === `${EXTENSION_PREFIX}/event/next`) return known('GET', () => onEventNext(env, req, res));
  if (path === `${EXTENSION_PREFIX}/init/error` || path === `${EXTENSION_PREFIX}/exit/error`) {
    return known('POST', () => onExtensionError(env, req, res, path.endsWith('/init/error')));
  }
  await readBody(req, 0);
  sendError(res, 404, 'NotFound', `no route for ${method} ${path}`);
}

async function onResponse(
  env: ExecutionEnvironment,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
) {
  const claim = env.claim(requestId, header(req, Header.invocationId));
  const streamed = header(req, Header.responseMode)?.toLowerCase() === 'streaming';
  const read = await readBody(req, streamed ? Number.POSITIVE_INFINITY : MAX_BUFFERED_PAYLOAD_BYTES);
  if (claim.kind === 'gone') return sendError(res, 410, 'InvalidRequestID', claim.reason);
  const headers = flatHeaders(req);
  if (read.overLimit) {
    const message = `Response payload size (${read.bytes} bytes) exceeded maximum allowed payload size (${MAX_BUFFERED_PAYLOAD_BYTES} bytes).`;
    const accepted = env.answer(claim.invocation, {
      outcome: 'error',
      body: Buffer.from(
        JSON.stringify({ errorMessage: message, errorType: 'Function.ResponseSizeTooLarge' }),
      ),
      headers,
      errorType: 'Function.ResponseSizeTooLarge',
      streamed: false,
    });
    if (!accepted) return sendError(res, 410, 'InvalidRequestID', `invocation ${requestId} already ended`);
    return sendError(res, 413, 'RequestEntityTooLarge', message);
  }
  const trailers = streamed ? definedEntries(req.trailers) : undefined;
  const errorType = trailers?.[Header.errorType];
  const accepted = env.answer(claim.invocation, {
    outcome: errorType === undefined ? 'response' : 'error',
    body: read.body,
    headers,
    streamed,
    ...(errorType === undefined ? {} : { errorType }),
    ...(trailers === undefined ? {} : { trailers }),
  });
  if (!accepted) return sendError(res, 410, 'InvalidRequestID', `invocation ${requestId} already ended`);
  sendJson(res, 202, ACCEPTED);
}

async function onError(
  env: ExecutionEnvironment,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
) {
  const claim = env.claim(requestId, header(req, Header.invocationId));
  const read = await readBody(req, MAX_BUFFERED_PAYLOAD_BYTES);
  if (claim.kind === 'gone') return sendError(res, 410, 'InvalidRequestID', claim.reason);
  const accepted = env.answer(claim.invocation, {
    outcome: 'error',
    body: read.body,
    headers: flatHeaders(req),
    errorType: header(req, Header.errorType) ?? errorTypeFromBody(read.body) ?? 'Unhandled',
    streamed: false,
  });
  if (!accepted) return sendError(res, 410, 'InvalidRequestID', `invocation ${requestId} already ended`);
  sendJson(res, 202, ACCEPTED);
}

async function onInitError(
  env: ExecutionEnvironment,
  req: IncomingMessage,
  res: ServerResponse,
  source: string,
) {
  const read = await readBody(req, MAX_BUFFERED_PAYLOAD_BYTES);
  const errorType = header(req, Header.errorType) ?? errorTypeFromBody(read.body) ?? 'Runtime.Unknown';
  env.reportInitError(errorType, read.body.toString('utf8'), source);
  sendJson(res, 202, ACCEPTED);
}

async function onRegister(env: ExecutionEnvironment, req: IncomingMessage, res: ServerResponse) {
  const read = await readBody(req, 64 * 1024);
  if (env.phase !== 'init') {
    return sendError(res, 403, 'Extension.RegistrationAfterInit', 'extensions may register only during init');
  }
  const name = header(req, Header.extensionName);
  if (!name)
    return sendError(res, 403, 'Extension.MissingName', `header ${Header.extensionName} is required`);
  const events = parseEvents(read.body);
  if (!events) {
    return sendError(
      res,
      400,
      'InvalidEventType',
      `body must be {"events":[...]} with ${EXTENSION_EVENT_TYPES}`,
    );
  }
  const extension = env.register(name, events);
  const { functionName, functionVersion, handler, accountId } = env.identity;
  const body: Record<string, string> = { functionName, functionVersion, handler };
  // Extensions opt in to the account id with Lambda-Extension-Accept-Feature: accountId.
  if (
    header(req, Header.extensionAcceptFeature)
      ?.split(',')
      .some((f) => f.trim() === 'accountId')
  ) {
    body.accountId = accountId;
  }
  sendJson(res, 200, body, { [Header.extensionId]: extension.id });
}

async function onEventNext(env: ExecutionEnvironment, req: IncomingMessage, res: ServerResponse) {
  await readBody(req, 0);
  const extension = env.extension(header(req, Header.extensionId));
  if (!extension)
    return sendError(res, 403, 'Extension.Forbidden', `missing or unknown ${Header.extensionId}`);
  env.extensionNext(extension, res);
}

async function onExtensionError(
  env: ExecutionEnvironment,
  req: IncomingMessage,
  res: ServerResponse,
  init: boolean,
) {
  const read = await readBody(req, MAX_BUFFERED_PAYLOAD_BYTES);
  const extension = env.extension(header(req, Header.extensionId));
  if (!extension)
    return sendError(res, 403, 'Extension.Forbidden', `missing or unknown ${Header.extensionId}`);
  if (init && env.phase === 'init') {
    const errorType = header(req, Header.extensionErrorType) ?? 'Extension.InitError';
    env.reportInitError(errorType, read.body.toString('utf8'), `extension ${extension.name}`);
  }
  sendJson(res, 202, ACCEPTED);
}

function parseEvents(body: Buffer): ExtensionEventType[] | null {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8') || '{}');
    if (!parsed || typeof parsed !== 'object') return null;
    const events: unknown = (parsed as { events?: unknown }).events ?? [];
    if (!Array.isArray(events)) return null;
    const valid = events.every((e) => (EXTENSION_EVENT_TYPES as readonly unknown[]).includes(e));
    return valid ? (events as ExtensionEventType[]) : null;
  } catch {
    return null;
  }
}

function definedEntries(record: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) if (value !== undefined) out[name] = value;
  return out;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // A malformed id simply matches no invocation (410).
  }
}
