import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { selfSignedCert } from '@tapline/testkit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, type HttpResult } from '../src/http/http-client.js';

interface TestServer {
  port: number;
  /** Connections the server accepted. */
  connections: net.Socket[];
  close(): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function listen(server: net.Server | http.Server): Promise<TestServer> {
  const connections: net.Socket[] = [];
  server.on(server instanceof https.Server ? 'secureConnection' : 'connection', (s: net.Socket) =>
    connections.push(s),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = async (): Promise<void> => {
    for (const s of connections) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanups.push(close);
  return { port, connections, close };
}

function httpServer(handler: http.RequestListener): Promise<TestServer> {
  const server = http.createServer(handler);
  // Long enough that only the client can be the one closing an idle connection during a test.
  server.keepAliveTimeout = 60_000;
  return listen(server);
}

/** A raw TCP server that answers each request head with `answer(socket)`. */
function rawServer(answer: (socket: net.Socket, request: string) => void): Promise<TestServer> {
  const server = net.createServer((socket) => {
    let buffered = '';
    socket.on('data', (d: Buffer) => {
      buffered += d.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const request = buffered.slice(0, end + 4);
      buffered = buffered.slice(end + 4);
      answer(socket, request);
    });
    socket.on('error', () => {});
  });
  return listen(server);
}

function client(port: number, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}): HttpClient {
  const c = new HttpClient({ host: '127.0.0.1', port, ...extra });
  cleanups.push(() => c.destroy());
  return c;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function okResult(r: HttpResult): Extract<HttpResult, { ok: true }> {
  if (!r.ok) throw new Error(`expected an answer, got ${r.error.code}: ${r.error.message}`);
  return r;
}

function errorOf(r: HttpResult): NodeJS.ErrnoException {
  if (r.ok) throw new Error(`expected a failure, got status ${r.status}`);
  return r.error;
}

/** Resolves true when the socket closes within `ms`, false otherwise. */
function closesWithin(socket: net.Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1`;

describe('HttpClient against node:http', () => {
  it('round-trips status, headers and body', async () => {
    const seen: { method?: string; url?: string; rawHeaders: string[]; body: Buffer }[] = [];
    const srv = await httpServer(async (req, res) => {
      const body = await readBody(req);
      seen.push({ method: req.method, url: req.url, rawHeaders: req.rawHeaders, body });
      res.writeHead(201, 'Made', [
        'X-Reply',
        `got ${body.length}`,
        'Set-Cookie',
        'a=1',
        'Set-Cookie',
        'b=2',
        'Content-Type',
        'application/octet-stream',
      ]);
      res.end(Buffer.concat([Buffer.from('echo:'), body]));
    });
    const c = client(srv.port);
    const payload = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 256));
    const r = okResult(
      await c.request(
        `POST /orders?id=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Trace: t-1\r\nContent-Length: ${payload.length}`,
        payload,
      ),
    );
    expect(r.status).toBe(201);
    expect(r.head.status).toBe(201);
    expect(r.head.header('x-reply')).toBe(`got ${payload.length}`);
    expect(r.head.header('set-cookie')).toBe('a=1');
    expect(r.head.rawHeaders.filter((_, i, all) => all[i - 1] === 'Set-Cookie')).toEqual(['a=1', 'b=2']);
    expect(r.body.equals(Buffer.concat([Buffer.from('echo:'), payload]))).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('/orders?id=1');
    expect(seen[0]!.rawHeaders).toContain('t-1');
    expect(seen[0]!.body.equals(payload)).toBe(true);
  });

  it.each([
    [404, 'missing'],
    [500, ''],
  ])('returns a %i answer as a value', async (status, text) => {
    const srv = await httpServer((_req, res) => {
      res.statusCode = status;
      res.end(text);
    });
    const r = okResult(await client(srv.port).request(get('/'), undefined));
    expect(r.status).toBe(status);
    expect(r.body.toString()).toBe(text);
  });

  it('reuses one connection for sequential requests', async () => {
    const srv = await httpServer(async (req, res) => {
      const body = await readBody(req);
      res.end(`${req.url}:${body.toString()}`);
    });
    const c = client(srv.port);
    for (let i = 0; i < 5; i += 1) {
      const body = Buffer.from(`n${i}`);
      const r = okResult(
        await c.request(`POST /r${i} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}`, body),
      );
      expect(r.body.toString()).toBe(`/r${i}:n${i}`);
    }
    expect(srv.connections).toHaveLength(1);
  });

  it('does not reuse a connection answered with Connection: close', async () => {
    const srv = await httpServer((req, res) => {
      if (req.url === '/close') res.setHeader('Connection', 'close');
      res.end(req.url);
    });
    const c = client(srv.port);
    expect(okResult(await c.request(get('/close'), undefined)).body.toString()).toBe('/close');
    expect(await closesWithin(srv.connections[0]!, 1000)).toBe(true);
    expect(okResult(await c.request(get('/next'), undefined)).body.toString()).toBe('/next');
    expect(okResult(await c.request(get('/again'), undefined)).body.toString()).toBe('/again');
    // The first connection closed; the second one was kept for the third request.
    expect(srv.connections).toHaveLength(2);
  });

  it('decodes a chunked answer with trailers and keeps the connection', async () => {
    const srv = await httpServer((req, res) => {
      res.writeHead(200, { 'Transfer-Encoding': 'chunked', Trailer: 'X-Checksum' });
      res.write('first,');
      res.write(Buffer.from('second\r\n,'));
      res.addTrailers({ 'X-Checksum': `sum-${req.url}` });
      res.end('third');
    });
    const c = client(srv.port);
    for (const path of ['/a', '/b']) {
      const r = okResult(await c.request(get(path), undefined));
      expect(r.head.header('transfer-encoding')).toBe('chunked');
      expect(r.body.toString()).toBe('first,second\r\n,third');
    }
    // The trailers were consumed exactly: the second answer came on the same connection.
    expect(srv.connections).toHaveLength(1);
  });

  it('answers a HEAD request without waiting for the announced body', async () => {
    const srv = await httpServer((req, res) => {
      res.setHeader('Content-Length', '5');
      res.end(req.method === 'HEAD' ? undefined : 'hello');
    });
    const c = client(srv.port);
    const head = okResult(await c.request('HEAD / HTTP/1.1\r\nHost: 127.0.0.1', undefined, 1000));
    expect(head.status).toBe(200);
    expect(head.head.header('content-length')).toBe('5');
    expect(head.body.length).toBe(0);
    // The next answer on the same connection is read from its own start.
    expect(okResult(await c.request(get('/'), undefined, 1000)).body.toString()).toBe('hello');
    expect(srv.connections).toHaveLength(1);
  });

  it('times out with ETIMEDOUT, and the next request still works', async () => {
    const srv = await httpServer((req, res) => {
      if (req.url === '/slow') return; // never answered
      res.end('fast');
    });
    const c = client(srv.port);
    const started = Date.now();
    const slow = await c.request(get('/slow'), undefined, 100);
    expect(errorOf(slow).code).toBe('ETIMEDOUT');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(okResult(await c.request(get('/fast'), undefined, 1000)).body.toString()).toBe('fast');
  });

  it('returns EBUSY beyond maxSockets instead of queueing', async () => {
    const srv = await httpServer((req, res) => {
      setTimeout(() => res.end(req.url), 50);
    });
    const c = client(srv.port, { maxSockets: 1 });
    const first = c.request(get('/1'), undefined);
    expect(errorOf(await c.request(get('/2'), undefined)).code).toBe('EBUSY');
    expect(okResult(await first).body.toString()).toBe('/1');
    expect(okResult(await c.request(get('/3'), undefined)).body.toString()).toBe('/3');
  });

  it('opens a new connection after the server closed an idle one', async () => {
    const srv = await httpServer((req, res) => res.end(req.url));
    const c = client(srv.port);
    expect(okResult(await c.request(get('/1'), undefined)).body.toString()).toBe('/1');
    srv.connections[0]!.destroy();
    // Let the client see the close before the next request.
    await new Promise((r) => setTimeout(r, 50));
    expect(okResult(await c.request(get('/2'), undefined, 1000)).body.toString()).toBe('/2');
    expect(srv.connections).toHaveLength(2);
  });

  it('destroy() closes idle sockets', async () => {
    const srv = await httpServer((_req, res) => res.end('x'));
    const c = client(srv.port);
    okResult(await c.request(get('/'), undefined));
    okResult(await c.request(get('/'), undefined));
    expect(srv.connections).toHaveLength(1);
    expect(await closesWithin(srv.connections[0]!, 200)).toBe(false); // idle, kept alive
    c.destroy();
    expect(await closesWithin(srv.connections[0]!, 1000)).toBe(true);
  });
});

describe('HttpClient against a raw server', () => {
  it.each([
    ['in separate writes', false],
    ['in one write', true],
  ])('skips a 100 Continue interim answer sent %s', async (_name, together) => {
    const srv = await rawServer((socket) => {
      const interim = 'HTTP/1.1 100 Continue\r\n\r\n';
      const final = 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\nX-Final: yes\r\n\r\ndone';
      if (together) socket.write(interim + final);
      else {
        socket.write(interim);
        setTimeout(() => socket.write(final), 20);
      }
    });
    const c = client(srv.port);
    const r = okResult(
      await c.request(
        'POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2',
        Buffer.from('hi'),
      ),
    );
    expect(r.status).toBe(200);
    expect(r.head.header('x-final')).toBe('yes');
    expect(r.body.toString()).toBe('done');
    // Still reusable after the interim answer.
    expect(okResult(await c.request(get('/'), undefined)).status).toBe(200);
    expect(srv.connections).toHaveLength(1);
  });

  it('reads an answer without length until the server closes', async () => {
    const srv = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\npart one, ');
      setTimeout(() => socket.end('part two'), 20);
    });
    const r = okResult(await client(srv.port).request(get('/'), undefined, 1000));
    expect(r.body.toString()).toBe('part one, part two');
  });

  it.each([
    ['inside the head', 'HTTP/1.1 200 OK\r\nContent-Len'],
    ['inside a Content-Length body', 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly some'],
    ['inside a chunked body', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n'],
  ])('fails when the server closes %s', async (_name, partial) => {
    const srv = await rawServer((socket) => {
      socket.write(partial);
      setTimeout(() => socket.destroy(), 20);
    });
    const c = client(srv.port);
    const error = errorOf(await c.request(get('/'), undefined, 2000));
    expect(error.code).toBe('ECONNRESET');
  });

  it('drops a connection that sent bytes beyond the answer', async () => {
    let n = 0;
    const srv = await rawServer((socket) => {
      n += 1;
      socket.write(
        `HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nr${n}${n === 1 ? 'HTTP/1.1 200 OK\r\nCont' : ''}`,
      );
    });
    const c = client(srv.port);
    expect(okResult(await c.request(get('/'), undefined, 1000)).body.toString()).toBe('r1');
    // The stray bytes put that connection out of step: the next answer comes on a fresh one.
    expect(okResult(await c.request(get('/'), undefined, 1000)).body.toString()).toBe('r2');
    expect(srv.connections).toHaveLength(2);
  });

  it('fails with EPROTO on an answer that is not HTTP/1.x', async () => {
    const srv = await rawServer((socket) => socket.write('SSH-2.0-OpenSSH\r\n\r\n'));
    const error = errorOf(await client(srv.port).request(get('/'), undefined, 2000));
    expect(error.code).toBe('EPROTO');
    expect(error.message).toMatch(/bad status line/);
  });

  it('fails with ECONNREFUSED on a closed port', async () => {
    const srv = await rawServer(() => {});
    const port = srv.port;
    await srv.close();
    const error = errorOf(await client(port).request(get('/'), undefined, 2000));
    expect(error.code).toBe('ECONNREFUSED');
  });
});

describe('HttpClient over TLS', () => {
  let cert: { key: string; cert: string };

  beforeAll(() => {
    cert = selfSignedCert();
  });

  async function tlsServer(): Promise<TestServer> {
    const server = https.createServer({ key: cert.key, cert: cert.cert }, (req, res) =>
      res.end(`tls ${req.url}`),
    );
    server.keepAliveTimeout = 60_000;
    return listen(server);
  }

  it('rejects a self-signed certificate when rejectUnauthorized is true', async () => {
    const srv = await tlsServer();
    const c = client(srv.port, { tls: { rejectUnauthorized: true } });
    const error = errorOf(await c.request(get('/'), undefined, 2000));
    expect(error.code).toMatch(/SELF_SIGNED|CERT/);
  });

  it('works with a self-signed certificate when rejectUnauthorized is false, with keep-alive', async () => {
    const srv = await tlsServer();
    const c = client(srv.port, { tls: { rejectUnauthorized: false } });
    expect(okResult(await c.request(get('/a'), undefined, 2000)).body.toString()).toBe('tls /a');
    expect(okResult(await c.request(get('/b'), undefined, 2000)).body.toString()).toBe('tls /b');
    expect(srv.connections).toHaveLength(1);
  });
});
