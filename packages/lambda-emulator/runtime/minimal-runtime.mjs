#!/usr/bin/env node
// A minimal Lambda runtime for Node handlers: `node minimal-runtime.mjs <dir/file.export>`.
// Speaks the Runtime API like aws-lambda-ric (next → handler → response/error, init/error on load
// failure, streaming via awslambda.streamifyResponse) without native code.
import { Agent, request } from 'node:http';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';

const api = process.env.AWS_LAMBDA_RUNTIME_API ?? '127.0.0.1:9001';
const [hostname, portText] = api.split(':');
const port = Number(portText);
const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const handlerSpec = process.argv[2] ?? process.env._HANDLER ?? 'index.handler';
const concurrency = Math.max(1, Number(process.env.AWS_LAMBDA_MAX_CONCURRENCY ?? '1') || 1);
const agent = new Agent({ keepAlive: true });
const STREAMING = Symbol.for('tapline.minimal-runtime.streaming');

globalThis.awslambda = {
  streamifyResponse(handler) {
    handler[STREAMING] = true;
    return handler;
  },
};

function call(method, path, headers = {}, body) {
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function errorPayload(error) {
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    errorType: err.constructor?.name ?? 'Error',
    errorMessage: err.message,
    stackTrace: String(err.stack ?? '')
      .split('\n')
      .slice(1)
      .map((l) => l.trim()),
  };
}

async function loadHandler() {
  const dot = handlerSpec.lastIndexOf('.');
  const modulePath = handlerSpec.slice(0, dot);
  const exportName = handlerSpec.slice(dot + 1);
  let lastError;
  for (const ext of ['.mjs', '.js', '.cjs']) {
    try {
      const mod = await import(pathToFileURL(resolvePath(taskRoot, modulePath + ext)).href);
      const fn = mod[exportName] ?? mod.default?.[exportName];
      if (typeof fn !== 'function') {
        throw Object.assign(new Error(`${handlerSpec} is undefined or not exported`), {
          name: 'Runtime.HandlerNotFound',
        });
      }
      return fn;
    } catch (error) {
      if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
      lastError = error;
    }
  }
  throw Object.assign(new Error(`Cannot find module '${modulePath}'`), {
    name: 'Runtime.ImportModuleError',
    cause: lastError,
  });
}

function context(headers) {
  const deadline = Number(headers['lambda-runtime-deadline-ms']);
  return {
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    callbackWaitsForEmptyEventLoop: true,
  };
}

function streamResponse(path, echo, handler, event, ctx) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname,
        port,
        method: 'POST',
        path,
        agent,
        headers: {
          ...echo,
          'content-type': 'application/octet-stream',
          'lambda-runtime-function-response-mode': 'streaming',
          'transfer-encoding': 'chunked',
          trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
        },
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    req.on('error', reject);
    const stream = {
      write: (chunk) =>
        req.write(typeof chunk === 'string' || chunk instanceof Uint8Array ? chunk : JSON.stringify(chunk)),
      end: (chunk) => {
        if (chunk !== undefined) stream.write(chunk);
        req.end();
      },
      setContentType: (type) => req.setHeader('content-type', type),
    };
    Promise.resolve()
      .then(() => handler(event, stream, ctx))
      .then(
        () => {
          if (!req.writableEnded) req.end();
        },
        (error) => {
          const payload = errorPayload(error);
          req.addTrailers({
            'Lambda-Runtime-Function-Error-Type': payload.errorType,
            'Lambda-Runtime-Function-Error-Body': Buffer.from(JSON.stringify(payload)).toString('base64'),
          });
          req.end();
        },
      );
  });
}

async function loop(handler) {
  for (;;) {
    const next = await call('GET', '/2018-06-01/runtime/invocation/next');
    const headers = next.headers;
    const id = encodeURIComponent(String(headers['lambda-runtime-aws-request-id']));
    const invocationId = headers['lambda-runtime-invocation-id'];
    const echo = invocationId ? { 'lambda-runtime-invocation-id': String(invocationId) } : {};
    const base = `/2018-06-01/runtime/invocation/${id}`;
    const ctx = context(headers);
    let event;
    try {
      event = JSON.parse(next.body.toString('utf8'));
      if (handler[STREAMING]) {
        await streamResponse(`${base}/response`, echo, handler, event, ctx);
        continue;
      }
      const result = await handler(event, ctx);
      const body = Buffer.from(JSON.stringify(result === undefined ? null : result));
      await call('POST', `${base}/response`, { ...echo, 'content-type': 'application/json' }, body);
    } catch (error) {
      const payload = errorPayload(error);
      await call(
        'POST',
        `${base}/error`,
        {
          ...echo,
          'content-type': 'application/json',
          'lambda-runtime-function-error-type': payload.errorType,
        },
        Buffer.from(JSON.stringify(payload)),
      );
    }
  }
}

let handler;
try {
  handler = await loadHandler();
} catch (error) {
  const payload = errorPayload(error);
  payload.errorType = error?.name?.startsWith('Runtime.') ? error.name : payload.errorType;
  await call(
    'POST',
    '/2018-06-01/runtime/init/error',
    { 'content-type': 'application/json', 'lambda-runtime-function-error-type': payload.errorType },
    Buffer.from(JSON.stringify(payload)),
  );
  process.exit(1);
}
await Promise.all(Array.from({ length: concurrency }, () => loop(handler)));
