// A test extension that registers for SHUTDOWN and then ignores it: the emulator must kill it at the deadline.
import { request } from 'node:http';

const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');

function call(method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), method, path, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

console.log(`stubborn pid=${process.pid}`);
const registered = await call(
  'POST',
  '/2020-01-01/extension/register',
  { 'lambda-extension-name': 'stubborn' },
  JSON.stringify({ events: ['SHUTDOWN'] }),
);
const id = registered.headers['lambda-extension-identifier'];
const event = await call('GET', '/2020-01-01/extension/event/next', { 'lambda-extension-identifier': id });
console.log(`got ${JSON.parse(event.body).eventType}, ignoring it`);
setInterval(() => {}, 1000);
