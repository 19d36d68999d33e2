/**
 * Baselines: a do-nothing Node HTTP server that reads each body completely and answers 200 (`read`),
 * or one that also JSON-parses it (`parse`), for context.
 */
import { createServer } from 'node:http';

const parse = process.argv[2] === 'parse';
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
  });
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    const size = parse
      ? (JSON.parse(body.toString('utf8')) as { batchData: unknown[] }).batchData.length
      : body.length;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(`{"success":true,"size":${size}}`);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
