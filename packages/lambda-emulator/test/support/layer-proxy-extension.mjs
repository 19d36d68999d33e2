// A throwaway external extension for tests: a pass-through Runtime API proxy (like the Tapline layer's).
// It listens first (its port goes to TEST_PROXY_PORT_FILE for the wrapper script), then registers,
// forwards every runtime request upstream with `x-via-proxy: 1` added, and exits 0 on SHUTDOWN.
import { writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';

const upstream = process.env.AWS_LAMBDA_RUNTIME_API;
const [upHost, upPort] = upstream.split(':');
const name = process.argv[2];
const crashOnInvoke = process.env.TEST_EXTENSION_CRASH_ON_INVOKE === '1';

console.log(
  `ext-env api=${upstream} fn=${process.env.AWS_LAMBDA_FUNCTION_NAME} handler=${process.env._HANDLER} ` +
    `mem=${process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE} region=${process.env.AWS_REGION} ` +
    `init=${process.env.AWS_LAMBDA_INITIALIZATION_TYPE} custom=${process.env.MY_FUNCTION_VAR} pid=${process.pid}`,
);

function call(method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request({ host: upHost, port: Number(upPort), method, path, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const proxy = createServer({ requestTimeout: 0 }, (req, res) => {
  console.log(`proxied ${req.method} ${req.url}`);
  const up = request(
    {
      host: upHost,
      port: Number(upPort),
      method: req.method,
      path: req.url,
      headers: { ...req.headers, 'x-via-proxy': '1' },
    },
    (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    },
  );
  up.on('error', () => res.destroy());
  req.pipe(up);
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
writeFileSync(process.env.TEST_PROXY_PORT_FILE, String(proxy.address().port));

const registered = await call(
  'POST',
  '/2020-01-01/extension/register',
  { 'lambda-extension-name': name, 'content-type': 'application/json' },
  JSON.stringify({ events: ['INVOKE', 'SHUTDOWN'] }),
);
const id = registered.headers['lambda-extension-identifier'];
for (;;) {
  const event = JSON.parse(
    (await call('GET', '/2020-01-01/extension/event/next', { 'lambda-extension-identifier': id })).body,
  );
  console.log(`event ${event.eventType} ${event.requestId ?? event.shutdownReason}`);
  if (event.eventType === 'INVOKE' && crashOnInvoke) process.exit(3);
  if (event.eventType === 'SHUTDOWN') {
    proxy.close();
    proxy.closeAllConnections();
    process.exit(0);
  }
}
