import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ByteCapture } from '../src/byte-capture.js';
import type { MessageHead } from '../src/http/message-framer.js';
import { createLogger } from '../src/logger.js';
import { type ProxyTap, type RuntimeProxy, startRuntimeProxy } from '../src/runtime-proxy.js';

/*
 * Wire-level edge cases: raw TCP on both sides of the proxy, so every byte it forwards (or adds) is
 * visible. Answers are compared byte for byte; the proxy promises to forward verbatim.
 */

const quiet = createLogger({ level: 'error', write: () => {} });
/** Generous: a wait only runs out when the proxy is stuck, and then the message says on what. */
const WAIT_MS = 3000;
const NEXT = '/2018-06-01/runtime/invocation/next';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

/** One end of a raw TCP connection, keeping every byte it received, in order. */
class Peer {
  private chunks: Buffer[] = [];
  length = 0;
  isClosed = false;
  /** Offset of the next request not yet read by `readRequest` (upstream side). */
  cursor = 0;
  readonly closed: Promise<void>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.length += chunk.length;
      this.wake();
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        this.wake();
        resolve();
      }),
    );
  }

  bytes(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  text(): string {
    return this.bytes().toString('latin1');
  }

  /** Resolves once `ready` holds; rejects when the socket closes first or after `timeoutMs`. */
  until(ready: (peer: Peer) => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error === undefined) resolve();
        else reject(error);
      };
      const check = (): void => {
        if (ready(this)) finish();
        else if (this.isClosed) finish(new Error(`closed before ${what}; got ${this.preview()}`));
      };
      if (Number.isFinite(timeoutMs))
        timer = setTimeout(
          () => finish(new Error(`timed out waiting for ${what}; got ${this.preview()}`)),
          timeoutMs,
        );
      this.waiters.add(check);
      check();
    });
  }

  untilLength(n: number, what = `${n} bytes`): Promise<void> {
    return this.until((p) => p.length >= n, what);
  }

  private preview(): string {
    return JSON.stringify(this.text().slice(0, 300));
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }
}

async function connect(port: number): Promise<Peer> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  await once(socket, 'connect');
  return new Peer(socket);
}

/** A raw TCP "Runtime API": records each connection the proxy opens and lets the test script it. */
class RawUpstream {
  readonly conns: Peer[] = [];
  private readonly arrivals = new Set<() => void>();

  private constructor(private readonly server: net.Server) {}

  /** The proxy's `index`-th connection, once it has been opened. */
  async connection(index: number): Promise<Peer> {
    const deadline = Date.now() + WAIT_MS;
    while (this.conns[index] === undefined) {
      if (Date.now() > deadline) throw new Error(`the proxy never opened upstream connection #${index}`);
      await new Promise<void>((r) => {
        this.arrivals.add(r);
        setTimeout(r, 50);
      });
    }
    return this.conns[index]!;
  }

  static async start(onConnection: (peer: Peer, index: number) => void): Promise<RawUpstream> {
    let upstream: RawUpstream | undefined;
    const server = net.createServer((socket) => {
      const peer = new Peer(socket);
      upstream!.conns.push(peer);
      onConnection(peer, upstream!.conns.length - 1);
      for (const arrived of upstream!.arrivals) arrived();
      upstream!.arrivals.clear();
    });
    upstream = new RawUpstream(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return upstream;
  }

  get hostPort(): string {
    return `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const peer of this.conns) peer.socket.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Waits for the next whole request on an upstream connection (no body or a Content-Length body). */
async function readRequest(peer: Peer, timeoutMs = WAIT_MS): Promise<Buffer> {
  let size = 0;
  await peer.until(
    (p) => {
      const buf = p.bytes();
      const headEnd = buf.indexOf('\r\n\r\n', p.cursor);
      if (headEnd < 0) return false;
      const length = /\r\ncontent-length: *(\d+)/i.exec(buf.toString('latin1', p.cursor, headEnd));
      size = headEnd + 4 + (length ? Number(length[1]) : 0) - p.cursor;
      return buf.length >= p.cursor + size;
    },
    'a whole request',
    timeoutMs,
  );
  const request = peer.bytes().subarray(peer.cursor, peer.cursor + size);
  peer.cursor += size;
  return request;
}

/** Writes pieces with a pause between them, so they reach the other side as separate reads. */
async function writePieces(socket: net.Socket, pieces: readonly (string | Buffer)[]): Promise<void> {
  for (let i = 0; i < pieces.length; i += 1) {
    if (i > 0) await delay(15);
    const piece = pieces[i]!;
    socket.write(typeof piece === 'string' ? bytes(piece) : piece);
  }
}

/**
 * Runs a scripted upstream step without awaiting it. A step that fails (e.g. the socket was closed at
 * cleanup) only stops that script; the test sees the missing bytes on the client side.
 */
function background(step: Promise<unknown>): void {
  step.catch(() => {});
}

const joined = (pieces: readonly (string | Buffer)[]): Buffer =>
  Buffer.concat(pieces.map((p) => (typeof p === 'string' ? bytes(p) : p)));

/** Answers every request on the connection with `answer(requestText)`, written in the pieces given. */
async function serve(peer: Peer, answer: (request: string) => readonly (string | Buffer)[]): Promise<void> {
  for (;;) {
    const request = await readRequest(peer, Number.POSITIVE_INFINITY).catch(() => undefined);
    if (request === undefined) return;
    await writePieces(peer.socket, answer(request.toString('latin1')));
  }
}

/** A well-formed answer naming the request line it answers. */
function echoAnswer(request: string): string[] {
  const line = request.slice(0, request.indexOf('\r\n'));
  const body = `answer to ${line}`;
  return [`HTTP/1.1 200 OK\r\nX-Answer-For: ${line}\r\nContent-Length: ${body.length}\r\n\r\n${body}`];
}

/** Records what the proxy tells the tap, and captures bodies without a size cap that matters here. */
class RecordingTap implements ProxyTap {
  readonly calls: string[] = [];
  readonly heads = new Map<string, MessageHead>();
  readonly captures = new Map<string, ByteCapture>();
  readonly trailers = new Map<string, readonly string[]>();

  eventStarted(requestId: string, response: MessageHead): ByteCapture {
    this.calls.push(`eventStarted ${requestId} ${response.status}`);
    const capture = new ByteCapture(16 * 1024 * 1024);
    this.captures.set(`event ${requestId}`, capture);
    return capture;
  }

  eventDelivered(requestId: string): void {
    this.calls.push(`eventDelivered ${requestId}`);
  }

  resultStarted(requestId: string, kind: 'response' | 'error', request: MessageHead): ByteCapture {
    this.calls.push(`resultStarted ${requestId} ${kind}`);
    this.heads.set(requestId, request);
    const capture = new ByteCapture(16 * 1024 * 1024);
    this.captures.set(`result ${requestId}`, capture);
    return capture;
  }

  resultForwarded(requestId: string, kind: 'response' | 'error', trailers: readonly string[]): void {
    this.calls.push(`resultForwarded ${requestId} ${kind}`);
    this.trailers.set(requestId, [...trailers]);
  }

  resultAcknowledged(requestId: string, status: number): void {
    this.calls.push(`resultAcknowledged ${requestId} ${status}`);
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(
  onConnection: (peer: Peer, index: number) => void,
): Promise<{ upstream: RawUpstream; proxy: RuntimeProxy; tap: RecordingTap }> {
  const upstream = await RawUpstream.start(onConnection);
  cleanups.push(() => upstream.close());
  const tap = new RecordingTap();
  const proxy = await startRuntimeProxy({ port: 0, upstream: upstream.hostPort, tap, log: quiet });
  cleanups.push(() => proxy.close());
  return { upstream, proxy, tap };
}

/**
 * An upstream whose first connection answers its first request with `pieces` (closing after them when
 * `close`), while every later connection echoes, so the proxy can be shown to keep serving.
 */
function firstConnectionAnswers(pieces: (string | Buffer)[], close: boolean) {
  return (peer: Peer, index: number): void => {
    if (index > 0) {
      void serve(peer, echoAnswer);
      return;
    }
    background(
      readRequest(peer).then(async () => {
        await writePieces(peer.socket, pieces);
        if (close) peer.socket.end();
      }),
    );
  };
}

/** Opens a client connection and sends one request expecting the echo answer: the proxy is still serving. */
async function expectStillServing(proxy: RuntimeProxy, path = '/still/serving'): Promise<void> {
  const client = await connect(proxy.port);
  const request = `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
  client.socket.write(bytes(request));
  const expected = joined(echoAnswer(request));
  await client.untilLength(expected.length, 'the answer to a fresh request');
  expect(client.bytes()).toEqual(expected);
  client.socket.destroy();
}

/** Status line and JSON `errorType` of an error answer from the proxy (the raw text when it is not one). */
function parseErrorAnswer(text: string): { statusLine: string; errorType: string | undefined } {
  const headEnd = text.indexOf('\r\n\r\n');
  let errorType: string | undefined;
  try {
    errorType = (JSON.parse(text.slice(headEnd + 4)) as { errorType?: string }).errorType;
  } catch {
    return { statusLine: JSON.stringify(text.slice(0, 200)), errorType: undefined };
  }
  return { statusLine: text.slice(0, text.indexOf('\r\n')), errorType };
}

describe('runtime proxy on the wire: heads are forwarded byte for byte', () => {
  const cases: {
    name: string;
    request: string[];
    answer: string[];
    calls?: string[];
  }[] = [
    {
      name: 'odd casing, duplicate headers, empty and padded values, encoded query',
      request: [
        `GET ${NEXT}?x=%20a%2Fb&y=%E2%9C%93&empty=&flag HTTP/1.1\r\n` +
          'hOsT: 127.0.0.1:9001\r\nX-dup: one\r\nuser-AGENT: raw/1.0\r\nx-DUP: two\r\nX-Empty:\r\n' +
          'X-Spaces:   padded  value  \r\n\r\n',
      ],
      answer: [
        'HTTP/1.1 200 Fine By Me\r\nlambda-runtime-AWS-request-id: req-1\r\nSet-Cookie: a=1\r\n' +
          'x-ODD:1\r\nset-cookie: b=2\r\nContent-Length: 2\r\n\r\n{}',
      ],
      calls: ['eventStarted req-1 200', 'eventDelivered req-1'],
    },
    {
      name: 'request and answer heads split across several reads',
      request: [
        'POST /2018-06-01/runtime/invoc',
        'ation/req-2/response HTTP/1.1\r\nContent-Type: app',
        'lication/json\r\nX-Trace: t\r\nContent-Length: 7\r\n\r',
        '\n{"a":1}',
      ],
      answer: [
        'HTTP/1.1 202 Acc',
        'epted\r\nContent-Type: application/json\r\nContent-Len',
        'gth: 2\r\n\r\nOK',
      ],
      calls: [
        'resultStarted req-2 response',
        'resultForwarded req-2 response',
        'resultAcknowledged req-2 202',
      ],
    },
    {
      name: 'a result path whose request id is not valid percent-encoding',
      request: [
        'POST /2018-06-01/runtime/invocation/%E0%A4%A/response HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}',
      ],
      answer: ['HTTP/1.1 400 Bad Request\r\nContent-Length: 2\r\n\r\nno'],
    },
    {
      name: 'an HTTP/1.0 request line and a status line without a reason phrase',
      request: ['GET /2018-06-01/runtime/restore/next HTTP/1.0\r\nX-A: 1\r\n\r\n'],
      answer: ['HTTP/1.1 204\r\nX-B: 2\r\n\r\n'],
    },
  ];

  it.each(cases)('$name', async ({ request, answer, calls }) => {
    const sent = joined(request);
    const expected = joined(answer);
    const { upstream, proxy, tap } = await setup((peer) => {
      background(
        peer.untilLength(sent.length, 'the request').then(async () => {
          await writePieces(peer.socket, answer);
          peer.cursor = sent.length;
          await serve(peer, echoAnswer);
        }),
      );
    });
    const client = await connect(proxy.port);
    await writePieces(client.socket, request);
    await client.untilLength(expected.length, 'the answer');
    await delay(30); // room for any stray extra bytes to show up
    expect(upstream.conns).toHaveLength(1);
    expect(upstream.conns[0]!.bytes()).toEqual(sent);
    expect(client.bytes()).toEqual(expected);
    if (calls !== undefined) expect(tap.calls).toEqual(calls);
    client.socket.destroy();
    await expectStillServing(proxy);
  });

  it('gives the tap the request head with names in their spelling and order', async () => {
    const request =
      'POST /2018-06-01/runtime/invocation/req-3/error HTTP/1.1\r\nlambda-RUNTIME-function-error-type: ' +
      'Runtime.X\r\nX-Dup: 1\r\nx-dup: 2\r\nContent-Length: 0\r\n\r\n';
    const { proxy, tap } = await setup((peer) => {
      void serve(peer, () => ['HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n']);
    });
    const client = await connect(proxy.port);
    client.socket.write(bytes(request));
    await client.until((p) => p.text().endsWith('\r\n\r\n'), 'the answer');
    const head = tap.heads.get('req-3')!;
    expect(head.raw).toEqual(bytes(request));
    expect(head.rawHeaders).toEqual([
      'lambda-RUNTIME-function-error-type',
      'Runtime.X',
      'X-Dup',
      '1',
      'x-dup',
      '2',
      'Content-Length',
      '0',
    ]);
    expect(tap.calls).toEqual([
      'resultStarted req-3 error',
      'resultForwarded req-3 error',
      'resultAcknowledged req-3 202',
    ]);
    client.socket.destroy();
  });
});

describe('runtime proxy on the wire: pipelining', () => {
  const cases: { name: string; requests: string[]; answer: (request: string) => string[] }[] = [
    {
      name: 'two GETs in one write',
      requests: [`GET ${NEXT} HTTP/1.1\r\nHost: x\r\n\r\n`, 'GET /b?q=1 HTTP/1.1\r\nHost: x\r\n\r\n'],
      answer: echoAnswer,
    },
    {
      name: 'a POST with a body, then a GET, the first answer chunked and in pieces',
      requests: [
        'POST /2018-06-01/runtime/invocation/req-9/response HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello',
        'GET /after HTTP/1.1\r\n\r\n',
      ],
      answer: (request) =>
        request.startsWith('POST')
          ? ['HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n', '0\r\n\r\n']
          : echoAnswer(request),
    },
    {
      name: 'three requests, the middle one answered without a body (204)',
      requests: ['GET /one HTTP/1.1\r\n\r\n', 'DELETE /two HTTP/1.1\r\n\r\n', 'GET /three HTTP/1.1\r\n\r\n'],
      answer: (request) =>
        request.startsWith('DELETE') ? ['HTTP/1.1 204 No Content\r\nX-Two: 2\r\n\r\n'] : echoAnswer(request),
    },
  ];

  it.each(cases)('$name: answered in order, each complete', async ({ requests, answer }) => {
    const { upstream, proxy } = await setup((peer) => {
      void serve(peer, answer);
    });
    const expected = joined(requests.flatMap((r) => answer(r)));
    const client = await connect(proxy.port);
    client.socket.write(joined(requests)); // one write: both requests in one TCP segment
    await client.untilLength(expected.length, 'all answers');
    await delay(30);
    expect(client.bytes()).toEqual(expected);
    expect(upstream.conns).toHaveLength(1);
    expect(upstream.conns[0]!.bytes()).toEqual(joined(requests));
    client.socket.destroy();
  });
});

describe('runtime proxy on the wire: Expect: 100-continue', () => {
  const finalAnswer =
    'HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{"status":"OK"}';
  const cases: { name: string; interim: string; final: string }[] = [
    {
      name: '100 Continue, then the final answer',
      interim: 'HTTP/1.1 100 Continue\r\n\r\n',
      final: finalAnswer,
    },
    {
      name: '100 Continue, then 102 Processing and the final answer in one write',
      interim: 'HTTP/1.1 100 Continue\r\nX-Interim: yes\r\n\r\n',
      final: `HTTP/1.1 102 Processing\r\n\r\n${finalAnswer}`,
    },
  ];

  it.each(cases)('$name', async ({ interim, final }) => {
    const head =
      'POST /2018-06-01/runtime/invocation/req-c/response HTTP/1.1\r\nExpect: 100-continue\r\n' +
      'Content-Length: 11\r\n\r\n';
    const body = '{"done":42}';
    const { upstream, proxy, tap } = await setup((peer) => {
      background(
        (async () => {
          await peer.untilLength(head.length, 'the request head');
          peer.socket.write(bytes(interim));
          await peer.untilLength(head.length + body.length, 'the request body');
          peer.socket.write(bytes(final));
        })(),
      );
    });
    const client = await connect(proxy.port);
    client.socket.write(bytes(head));
    await client.untilLength(interim.length, 'the interim answer');
    expect(client.text()).toBe(interim);
    client.socket.write(bytes(body));
    await client.untilLength(interim.length + final.length, 'the final answer');
    expect(client.text()).toBe(interim + final);
    expect(upstream.conns[0]!.text()).toBe(head + body);
    expect(tap.captures.get('result req-c')!.bytes().toString()).toBe(body);
    expect(tap.calls).toEqual([
      'resultStarted req-c response',
      'resultForwarded req-c response',
      'resultAcknowledged req-c 202',
    ]);
    client.socket.destroy();
  });
});

describe('runtime proxy on the wire: HEAD', () => {
  it.each([
    { name: 'Content-Length', headAnswer: 'HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n' },
    {
      name: 'Transfer-Encoding: chunked',
      headAnswer: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
    },
  ])(
    'an answer announcing a body with $name but sending none: the next request still works',
    async ({ headAnswer }) => {
      const { upstream, proxy } = await setup((peer) => {
        void serve(peer, (request) => (request.startsWith('HEAD') ? [headAnswer] : echoAnswer(request)));
      });
      const client = await connect(proxy.port);
      client.socket.write(bytes('HEAD /thing HTTP/1.1\r\nHost: x\r\n\r\n'));
      await client.untilLength(headAnswer.length, 'the HEAD answer');
      const next = 'GET /thing HTTP/1.1\r\nHost: x\r\n\r\n';
      client.socket.write(bytes(next));
      const expected = joined([headAnswer, ...echoAnswer(next)]);
      await client.untilLength(expected.length, 'the GET answer');
      expect(client.bytes()).toEqual(expected);
      // The HEAD answer was framed as complete, so the upstream connection was kept for the GET.
      expect(upstream.conns).toHaveLength(1);
      client.socket.destroy();
    },
  );
});

describe('runtime proxy on the wire: answers that end the connection', () => {
  const longBody = randomBytes(200 * 1024).toString('base64');
  it.each([
    {
      name: 'no Content-Length and not chunked: the body runs until the upstream closes',
      pieces: [
        'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n',
        longBody.slice(0, 1000),
        longBody.slice(1000),
      ],
      upstreamCloses: true,
    },
    {
      name: 'Connection: close with a Content-Length (upstream leaves its socket open)',
      pieces: [
        `HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: ${longBody.length}\r\n\r\n`,
        longBody,
      ],
      upstreamCloses: false,
    },
  ])('$name', async ({ pieces, upstreamCloses }) => {
    const { upstream, proxy } = await setup(firstConnectionAnswers(pieces, upstreamCloses));
    const client = await connect(proxy.port);
    client.socket.write(bytes('GET /stream HTTP/1.1\r\nHost: x\r\n\r\n'));
    await client.closed;
    expect(client.text()).toBe(pieces.join(''));
    // That upstream connection cannot be reused: it is closed, and the next request opens another.
    await upstream.conns[0]!.closed;
    await expectStillServing(proxy);
    expect(upstream.conns).toHaveLength(2);
  });
});

describe('runtime proxy on the wire: the upstream misbehaves', () => {
  const cases: {
    name: string;
    send: (string | Buffer)[];
    end: boolean;
    /** Bytes the client gets before its connection is cut; undefined when a 502 is expected. */
    forwarded?: string;
  }[] = [
    { name: 'a non-HTTP line, connection left open', send: ['SSH-2.0-OpenSSH_9.6\r\n\r\n'], end: false },
    { name: 'binary bytes, then close', send: [Buffer.from([0, 1, 2, 0xff, 0x80, 10, 13])], end: true },
    { name: 'a head cut short by close', send: ['HTTP/1.1 200 OK\r\nContent-Le'], end: true },
    { name: 'a header line without a colon', send: ['HTTP/1.1 200 OK\r\nno colon here\r\n\r\n'], end: false },
    { name: 'a bad Content-Length', send: ['HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n'], end: false },
    {
      name: 'bad chunk framing after a valid head',
      send: ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', 'ZZZ\r\n'],
      end: false,
      forwarded: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
    },
    {
      name: 'a body cut short by close',
      send: ['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', 'abc'],
      end: true,
      forwarded: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc',
    },
  ];

  it.each(cases)('$name', async ({ send, end, forwarded }) => {
    const { upstream, proxy } = await setup(firstConnectionAnswers(send, end));
    const client = await connect(proxy.port);
    client.socket.write(bytes(`GET ${NEXT} HTTP/1.1\r\nHost: x\r\n\r\n`));
    await client.closed;
    if (forwarded === undefined) {
      const answer = parseErrorAnswer(client.text());
      expect(answer.statusLine).toBe('HTTP/1.1 502 Bad Gateway');
      expect(answer.errorType).toBe('Tapline.UpstreamUnavailable');
    } else {
      expect(client.text()).toBe(forwarded);
    }
    await upstream.conns[0]!.closed; // never reused
    await expectStillServing(proxy);
    expect(upstream.conns).toHaveLength(2);
  });

  it('bytes beyond the announced answer: the answer is delivered, that upstream connection dropped', async () => {
    const { upstream, proxy } = await setup((peer, index) => {
      void serve(peer, (request) =>
        index === 0 ? ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA'] : echoAnswer(request),
      );
    });
    const client = await connect(proxy.port);
    client.socket.write(bytes('GET /a HTTP/1.1\r\n\r\n'));
    await (await upstream.connection(0)).closed;
    expect(client.text()).toBe('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    // The client connection is still usable; its next request goes over a new upstream connection.
    const next = 'GET /b HTTP/1.1\r\n\r\n';
    client.socket.write(bytes(next));
    const expected = joined(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', ...echoAnswer(next)]);
    await client.untilLength(expected.length, 'the second answer');
    expect(client.bytes()).toEqual(expected);
    expect(upstream.conns).toHaveLength(2);
    client.socket.destroy();
  });
});

describe('runtime proxy on the wire: the client misbehaves', () => {
  it.each([
    { name: 'not HTTP at all', request: 'HELLO THERE\r\n\r\n' },
    { name: 'a header line without a colon', request: 'GET / HTTP/1.1\r\nno colon\r\n\r\n' },
    { name: 'an unsupported version', request: 'GET / HTTP/2.0\r\n\r\n' },
    { name: 'a bad Content-Length', request: 'POST /x HTTP/1.1\r\nContent-Length: abc\r\n\r\n' },
    {
      name: 'a bad chunk size after a valid head',
      request:
        'POST /2018-06-01/runtime/invocation/r/response HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n',
    },
  ])('$name: 400 and the connection closes; the proxy keeps serving', async ({ request }) => {
    const { upstream, proxy } = await setup((peer) => {
      void serve(peer, echoAnswer);
    });
    const client = await connect(proxy.port);
    client.socket.write(bytes(request));
    await client.closed;
    const answer = parseErrorAnswer(client.text());
    expect(answer.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(answer.errorType).toBe('Tapline.BadRequest');
    await expectStillServing(proxy);
    // Whatever upstream connection served the bad request was not the one reused.
    const served = upstream.conns.filter((c) => c.text().includes('/still/serving'));
    expect(served).toHaveLength(1);
    expect(served[0]!.text()).toBe('GET /still/serving HTTP/1.1\r\nHost: x\r\n\r\n');
  });
});

describe('runtime proxy on the wire: the client leaves during a long poll', () => {
  it.each([
    { name: 'connection reset', leave: (s: net.Socket) => s.destroy() },
    { name: 'orderly close', leave: (s: net.Socket) => s.end() },
  ])('$name: the upstream socket is closed and not reused', async ({ leave }) => {
    const { upstream, proxy, tap } = await setup((peer, index) => {
      if (index > 0) void serve(peer, echoAnswer); // the first connection never answers
    });
    const poll = `GET ${NEXT} HTTP/1.1\r\nHost: x\r\n\r\n`;
    const client = await connect(proxy.port);
    client.socket.write(bytes(poll));
    await (await upstream.connection(0)).untilLength(poll.length, 'the long poll');
    leave(client.socket);
    await upstream.conns[0]!.closed;
    await expectStillServing(proxy, NEXT);
    expect(upstream.conns).toHaveLength(2);
    expect(upstream.conns[0]!.text()).toBe(poll);
    expect(tap.calls).toEqual([]);
  });
});

describe('runtime proxy on the wire: keep-alive', () => {
  it('sequential requests from one client, then from another, share one upstream connection', async () => {
    const answerFor = (request: string): string[] => {
      if (request.startsWith('POST'))
        return ['HTTP/1.1 202 Accepted\r\nContent-Length: 15\r\n\r\n{"status":"OK"}'];
      if (request.includes('/chunked'))
        return ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\nX-T: 1\r\n\r\n'];
      return echoAnswer(request);
    };
    const { upstream, proxy } = await setup((peer) => {
      void serve(peer, answerFor);
    });
    const requests = [
      `GET ${NEXT} HTTP/1.1\r\n\r\n`,
      'POST /2018-06-01/runtime/invocation/k1/response HTTP/1.1\r\nContent-Length: 3\r\n\r\n{"a',
      'GET /chunked HTTP/1.1\r\n\r\n',
      `GET ${NEXT} HTTP/1.1\r\n\r\n`,
      'POST /2018-06-01/runtime/invocation/k2/error HTTP/1.1\r\nContent-Length: 0\r\n\r\n',
    ];
    const client = await connect(proxy.port);
    let expectedLength = 0;
    for (const request of requests) {
      const answer = joined(answerFor(request));
      client.socket.write(bytes(request));
      expectedLength += answer.length;
      await client.untilLength(expectedLength, `the answer to ${request.slice(0, 40)}`);
      expect(client.bytes().subarray(expectedLength - answer.length)).toEqual(answer);
    }
    client.socket.destroy();
    await expectStillServing(proxy);
    expect(upstream.conns).toHaveLength(1);
    expect(upstream.conns[0]!.text()).toBe(
      `${requests.join('')}GET /still/serving HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
  });
});

describe('runtime proxy on the wire: large bodies', () => {
  it('a 5 MB /response with Content-Length arrives intact, and the tap captured the same bytes', async () => {
    const body = randomBytes(5 * 1024 * 1024);
    const head = `POST /2018-06-01/runtime/invocation/big-1/response HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n`;
    const answer = 'HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n';
    const { upstream, proxy, tap } = await setup((peer) => {
      background(
        peer.untilLength(head.length + body.length, 'the 5 MB request').then(() => peer.socket.write(answer)),
      );
    });
    const client = await connect(proxy.port);
    client.socket.write(bytes(head));
    client.socket.write(body);
    await client.untilLength(answer.length, 'the 202');
    expect(client.text()).toBe(answer);
    expect(upstream.conns[0]!.bytes().equals(Buffer.concat([bytes(head), body]))).toBe(true);
    const capture = tap.captures.get('result big-1')!;
    expect(capture.total).toBe(body.length);
    expect(capture.bytes().equals(body)).toBe(true);
    expect(tap.calls).toEqual([
      'resultStarted big-1 response',
      'resultForwarded big-1 response',
      'resultAcknowledged big-1 202',
    ]);
    client.socket.destroy();
  });

  it('a 5 MB event from invocation/next reaches the client intact, and the tap captured the same bytes', async () => {
    const event = randomBytes(5 * 1024 * 1024);
    const head = `HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: big-2\r\nContent-Length: ${event.length}\r\n\r\n`;
    const { proxy, tap } = await setup((peer) => {
      background(
        readRequest(peer).then(() => {
          peer.socket.write(bytes(head));
          peer.socket.write(event);
        }),
      );
    });
    const client = await connect(proxy.port);
    client.socket.write(bytes(`GET ${NEXT} HTTP/1.1\r\n\r\n`));
    await client.untilLength(head.length + event.length, 'the 5 MB event');
    expect(client.bytes().equals(Buffer.concat([bytes(head), event]))).toBe(true);
    expect(tap.captures.get('event big-2')!.bytes().equals(event)).toBe(true);
    expect(tap.calls).toEqual(['eventStarted big-2 200', 'eventDelivered big-2']);
    client.socket.destroy();
  });
});

describe('runtime proxy on the wire: chunked requests with trailers', () => {
  const head =
    'POST /2018-06-01/runtime/invocation/req-t/response HTTP/1.1\r\n' +
    'Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n' +
    'Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n';
  const errorBody = Buffer.from('{"errorMessage":"late"}').toString('base64');
  const framedBody =
    '5;ext=1\r\nhello\r\n1A\r\n, streamed in two chunks!!\r\n0\r\n' +
    'Lambda-Runtime-Function-Error-Type: Runtime.StreamError\r\n' +
    `lambda-runtime-function-error-BODY:  ${errorBody}  \r\n\r\n`;
  const whole = head + framedBody;
  const at = (s: string): number => whole.indexOf(s);

  it.each([
    { name: 'in one write', pieces: [whole] },
    {
      name: 'split inside chunk-size lines, chunk data, CRLFs and trailers',
      pieces: [
        whole.slice(0, at('5;ext') + 3),
        whole.slice(at('5;ext') + 3, at('hello') + 2),
        whole.slice(at('hello') + 2, at('1A') + 1),
        whole.slice(at('1A') + 1, at('0\r\n') + 2),
        whole.slice(at('0\r\n') + 2, at('Runtime.StreamError') + 4),
        whole.slice(at('Runtime.StreamError') + 4, whole.length - 1),
        whole.slice(whole.length - 1),
      ],
    },
  ])('$name: framing and trailers arrive byte-identical; the tap gets the trailers', async ({ pieces }) => {
    expect(pieces.join('')).toBe(whole);
    const answer = 'HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok';
    const { upstream, proxy, tap } = await setup((peer) => {
      background(peer.untilLength(whole.length, 'the chunked request').then(() => peer.socket.write(answer)));
    });
    const client = await connect(proxy.port);
    await writePieces(client.socket, pieces);
    await client.untilLength(answer.length, 'the 202');
    expect(client.text()).toBe(answer);
    expect(upstream.conns[0]!.text()).toBe(whole);
    expect(tap.trailers.get('req-t')).toEqual([
      'Lambda-Runtime-Function-Error-Type',
      'Runtime.StreamError',
      'lambda-runtime-function-error-BODY',
      errorBody,
    ]);
    expect(tap.captures.get('result req-t')!.bytes().toString()).toBe('hello, streamed in two chunks!!');
    expect(tap.calls).toEqual([
      'resultStarted req-t response',
      'resultForwarded req-t response',
      'resultAcknowledged req-t 202',
    ]);
    client.socket.destroy();
  });
});
