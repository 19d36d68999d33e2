import { describe, expect, it } from 'vitest';
import { MessageFramer, type MessageHead } from '../src/http/message-framer.js';

type Kind = 'request' | 'response';

/** What one framed message looked like to the caller, in plain values so runs compare with toEqual. */
interface Outcome {
  complete: boolean;
  error: string | undefined;
  heads: number;
  raw: string | undefined;
  method: string | undefined;
  target: string | undefined;
  status: number | undefined;
  rawHeaders: readonly string[] | undefined;
  body: string;
  trailers: string[];
  /** Bytes the framer said it consumed, summed over the pushes. */
  consumed: number;
}

const bin = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Feeds `chunks` one push each until the message completes or fails. */
function frame(
  kind: Kind,
  chunks: Buffer[],
  opts: { noBody?: boolean; endOfStream?: boolean } = {},
): Outcome {
  const data: Buffer[] = [];
  let heads = 0;
  let head: MessageHead | undefined;
  const framer = new MessageFramer(kind, {
    onHead: (h) => {
      heads += 1;
      head = h;
    },
    // Copied: the framer may hand out views of the caller's chunk.
    onData: (d) => data.push(Buffer.from(d)),
  });
  framer.noBody = opts.noBody ?? false;
  let consumed = 0;
  let failed = false;
  for (const chunk of chunks) {
    if (framer.complete) break;
    const end = framer.push(chunk, 0);
    if (end < 0) {
      failed = true;
      break;
    }
    expect(end).toBeLessThanOrEqual(chunk.length);
    consumed += end;
  }
  if (!failed && opts.endOfStream === true) {
    expect(framer.untilClose).toBe(true);
    expect(framer.endOfStream()).toBe(true);
  }
  return {
    complete: framer.complete,
    error: framer.error,
    heads,
    raw: head?.raw.toString('latin1'),
    method: head?.method,
    target: head?.target,
    status: head?.status,
    rawHeaders: head === undefined ? undefined : [...head.rawHeaders],
    body: Buffer.concat(data).toString('latin1'),
    trailers: [...framer.trailers],
    consumed,
  };
}

function splitAt(bytes: Buffer, at: number): Buffer[] {
  return [bytes.subarray(0, at), bytes.subarray(at)];
}

function bytewise(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 1) out.push(bytes.subarray(i, i + 1));
  return out;
}

/** Every byte value once, so body handling is checked on binary data including CR and LF. */
const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1');

interface Case {
  name: string;
  kind: Kind;
  /** Anything before the head that the framer must skip (leading empty lines). */
  prefix?: string;
  head: string;
  /** Body bytes as sent on the wire (chunk framing included). */
  wire: string;
  /** Decoded body the handler must see. */
  body: string;
  method?: string;
  target?: string;
  status?: number;
  rawHeaders: string[];
  trailers?: string[];
  noBody?: boolean;
  untilClose?: boolean;
}

const json = '{"orderId":"o-1","items":[1,2,3]}';

const cases: Case[] = [
  {
    name: 'request with Content-Length',
    kind: 'request',
    head: `POST /2018-06-01/runtime/invocation/abc/response HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n`,
    wire: json,
    body: json,
    method: 'POST',
    target: '/2018-06-01/runtime/invocation/abc/response',
    rawHeaders: [
      'Host',
      '127.0.0.1',
      'Content-Type',
      'application/json',
      'Content-Length',
      String(json.length),
    ],
  },
  {
    name: 'request with a binary Content-Length body',
    kind: 'request',
    head: 'PUT /blob HTTP/1.0\r\nContent-Length: 256\r\n\r\n',
    wire: allBytes,
    body: allBytes,
    method: 'PUT',
    target: '/blob',
    rawHeaders: ['Content-Length', '256'],
  },
  {
    name: 'request without a body',
    kind: 'request',
    head: 'GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: localhost:9001\r\nUser-Agent: test\r\n\r\n',
    wire: '',
    body: '',
    method: 'GET',
    target: '/2018-06-01/runtime/invocation/next',
    rawHeaders: ['Host', 'localhost:9001', 'User-Agent', 'test'],
  },
  {
    name: 'request with Content-Length: 0',
    kind: 'request',
    head: 'POST /x HTTP/1.1\r\nContent-Length: 0\r\n\r\n',
    wire: '',
    body: '',
    method: 'POST',
    target: '/x',
    rawHeaders: ['Content-Length', '0'],
  },
  {
    name: 'chunked request with chunk extensions and trailers',
    kind: 'request',
    head: 'POST /r HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n',
    wire:
      '5;name=value\r\nhello\r\n' +
      '7 ; ext="q"\r\n, world\r\n' +
      `1A\r\n${'abcdefghijklmnopqrstuvwxyz'}\r\n` +
      '0;last\r\nX-Checksum: abc123\r\nX-Other:   two  \r\n\r\n',
    body: 'hello, worldabcdefghijklmnopqrstuvwxyz',
    method: 'POST',
    target: '/r',
    rawHeaders: ['Host', 'h', 'Transfer-Encoding', 'chunked', 'Trailer', 'X-Checksum'],
    trailers: ['X-Checksum', 'abc123', 'X-Other', 'two'],
  },
  {
    name: 'chunked request whose chunk data holds CR LF and every byte value',
    kind: 'request',
    head: 'POST /b HTTP/1.1\r\ntransfer-encoding: gzip, chunked\r\n\r\n',
    wire: `100\r\n${allBytes}\r\n4\r\n\r\n\r\n\r\n0\r\n\r\n`,
    body: `${allBytes}\r\n\r\n`,
    method: 'POST',
    target: '/b',
    rawHeaders: ['transfer-encoding', 'gzip, chunked'],
  },
  {
    name: 'obsolete line folding joins continuation lines with a space',
    kind: 'request',
    head: 'GET / HTTP/1.1\r\nX-Folded: first\r\n   second\r\n\tthird\r\nHost: h\r\n\r\n',
    wire: '',
    body: '',
    method: 'GET',
    target: '/',
    rawHeaders: ['X-Folded', 'first second third', 'Host', 'h'],
  },
  {
    name: 'one leading empty line before the request line',
    kind: 'request',
    prefix: '\r\n',
    head: 'GET /a HTTP/1.1\r\nHost: h\r\n\r\n',
    wire: '',
    body: '',
    method: 'GET',
    target: '/a',
    rawHeaders: ['Host', 'h'],
  },
  {
    name: 'several leading empty lines before the request line',
    kind: 'request',
    prefix: '\r\n\r\n\r\n',
    head: 'POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\n',
    wire: 'abc',
    body: 'abc',
    method: 'POST',
    target: '/a',
    rawHeaders: ['Content-Length', '3'],
  },
  {
    name: '200 response with Content-Length',
    kind: 'response',
    head: `HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: r-1\r\nContent-Length: ${json.length}\r\n\r\n`,
    wire: json,
    body: json,
    status: 200,
    rawHeaders: ['Lambda-Runtime-Aws-Request-Id', 'r-1', 'Content-Length', String(json.length)],
  },
  {
    name: 'response status line without a reason phrase',
    kind: 'response',
    head: 'HTTP/1.0 202\r\nContent-Length: 2\r\n\r\n',
    wire: 'ok',
    body: 'ok',
    status: 202,
    rawHeaders: ['Content-Length', '2'],
  },
  {
    name: '204 response has no body',
    kind: 'response',
    head: 'HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n',
    wire: '',
    body: '',
    status: 204,
    rawHeaders: ['X-A', '1'],
  },
  {
    name: '304 response has no body despite Content-Length',
    kind: 'response',
    head: 'HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\nETag: "x"\r\n\r\n',
    wire: '',
    body: '',
    status: 304,
    rawHeaders: ['Content-Length', '10', 'ETag', '"x"'],
  },
  {
    name: '100 Continue interim response has no body',
    kind: 'response',
    head: 'HTTP/1.1 100 Continue\r\n\r\n',
    wire: '',
    body: '',
    status: 100,
    rawHeaders: [],
  },
  {
    name: '103 Early Hints interim response has no body despite Transfer-Encoding',
    kind: 'response',
    head: 'HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\nTransfer-Encoding: chunked\r\n\r\n',
    wire: '',
    body: '',
    status: 103,
    rawHeaders: ['Link', '</s.css>', 'Transfer-Encoding', 'chunked'],
  },
  {
    name: 'response to HEAD (noBody) ends after its head',
    kind: 'response',
    head: 'HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n',
    wire: '',
    body: '',
    status: 200,
    rawHeaders: ['Content-Length', '42'],
    noBody: true,
  },
  {
    name: 'chunked response with a trailer',
    kind: 'response',
    head: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
    wire: '3\r\n{"a\r\n4\r\n":1}\r\n0\r\nLambda-Runtime-Function-Error-Type: Oops\r\n\r\n',
    body: '{"a":1}',
    status: 200,
    rawHeaders: ['Transfer-Encoding', 'chunked'],
    trailers: ['Lambda-Runtime-Function-Error-Type', 'Oops'],
  },
  {
    name: 'response without length runs until close',
    kind: 'response',
    head: 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n',
    wire: `streamed until the connection closes\r\n\r\n${allBytes}`,
    body: `streamed until the connection closes\r\n\r\n${allBytes}`,
    status: 200,
    rawHeaders: ['Content-Type', 'text/plain'],
    untilClose: true,
  },
];

function expected(c: Case): Outcome {
  return {
    complete: true,
    error: undefined,
    heads: 1,
    raw: c.head,
    method: c.method ?? '',
    target: c.target ?? '',
    status: c.status ?? 0,
    rawHeaders: c.rawHeaders,
    body: c.body,
    trailers: c.trailers ?? [],
    consumed: (c.prefix ?? '').length + c.head.length + c.wire.length,
  };
}

const wireOf = (c: Case): Buffer => bin((c.prefix ?? '') + c.head + c.wire);
const optsOf = (c: Case) => ({ noBody: c.noBody ?? false, endOfStream: c.untilClose ?? false });

describe('MessageFramer: framing', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s, in one chunk', (_name, c) => {
    expect(frame(c.kind, [wireOf(c)], optsOf(c))).toEqual(expected(c));
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s, split at every byte boundary', (_name, c) => {
    const bytes = wireOf(c);
    const want = expected(c);
    for (let i = 1; i < bytes.length; i += 1) {
      const got = frame(c.kind, splitAt(bytes, i), optsOf(c));
      // The split point in the message makes a failure readable.
      expect({ split: i, ...got }).toEqual({ split: i, ...want });
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s, one byte at a time', (_name, c) => {
    expect(frame(c.kind, bytewise(wireOf(c)), optsOf(c))).toEqual(expected(c));
  });

  it('reports untilClose only for a response without length, and completes it at endOfStream', () => {
    const framer = new MessageFramer('response', { onHead: () => {}, onData: () => {} });
    const bytes = bin('HTTP/1.1 200 OK\r\n\r\nsome');
    expect(framer.push(bytes)).toBe(bytes.length);
    expect(framer.untilClose).toBe(true);
    expect(framer.complete).toBe(false);
    expect(framer.endOfStream()).toBe(true);
    expect(framer.complete).toBe(true);
    expect(framer.untilClose).toBe(false);

    // A message with a length that ends early is not completed by the end of the stream.
    const short = new MessageFramer('response', { onHead: () => {}, onData: () => {} });
    short.push(bin('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    expect(short.untilClose).toBe(false);
    expect(short.endOfStream()).toBe(false);
    expect(short.complete).toBe(false);
  });

  it('ends a request without length at its head instead of waiting for close', () => {
    const c = frame('request', [bin('DELETE /x HTTP/1.1\r\nHost: h\r\n\r\n')]);
    expect(c.complete).toBe(true);
    expect(c.body).toBe('');
  });

  it('hands the body to onData as decoded views, never the chunk framing', () => {
    const seen: string[] = [];
    const framer = new MessageFramer('response', {
      onHead: () => {},
      onData: (d) => seen.push(d.toString()),
    });
    framer.push(bin('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n'));
    expect(seen).toEqual(['ab', 'cde']);
  });

  it('sets bodyOffset to where the body starts in the chunk that completed the head', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n';
    const framer = new MessageFramer('response', { onHead: () => {}, onData: () => {} });
    const bytes = bin(`xx${head}body`);
    expect(framer.push(bytes, 2)).toBe(bytes.length);
    expect(framer.bodyOffset).toBe(2 + head.length);
    expect(bytes.subarray(framer.bodyOffset).toString()).toBe('body');

    const split = new MessageFramer('response', { onHead: () => {}, onData: () => {} });
    split.push(bin(head.slice(0, 10)));
    split.push(bin(`${head.slice(10)}body`));
    expect(split.bodyOffset).toBe(head.length - 10);
  });
});

describe('MessageFramer: messages back to back', () => {
  const pairs: { name: string; kind: Kind; first: string; second: string; secondBody: string }[] = [
    {
      name: 'Content-Length request then a GET',
      kind: 'request',
      first: 'POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello',
      second: 'GET /b HTTP/1.1\r\nHost: h\r\n\r\n',
      secondBody: '',
    },
    {
      name: 'GET then a chunked request',
      kind: 'request',
      first: 'GET /a HTTP/1.1\r\n\r\n',
      second: 'POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\nT: v\r\n\r\n',
      secondBody: 'xyz',
    },
    {
      name: 'chunked request then a Content-Length request',
      kind: 'request',
      first: 'POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nq\r\n0\r\n\r\n',
      second: 'POST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nok',
      secondBody: 'ok',
    },
    {
      name: '100 Continue then the final response',
      kind: 'response',
      first: 'HTTP/1.1 100 Continue\r\n\r\n',
      second: 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone',
      secondBody: 'done',
    },
    {
      name: '204 then a 200 with length',
      kind: 'response',
      first: 'HTTP/1.1 204 No Content\r\n\r\n',
      second: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi',
      secondBody: 'hi',
    },
  ];

  it.each(pairs.map((p) => [p.name, p] as const))('%s: push stops at the end of the first', (_name, p) => {
    const bodies: string[] = [];
    const heads: MessageHead[] = [];
    const framer = new MessageFramer(p.kind, {
      onHead: (h) => heads.push(h),
      onData: (d) => bodies.push(d.toString('latin1')),
    });
    const bytes = bin(p.first + p.second);
    const end = framer.push(bytes, 0);
    expect(end).toBe(p.first.length);
    expect(framer.complete).toBe(true);
    expect(heads).toHaveLength(1);
    // A complete message consumes nothing more until reset.
    expect(framer.push(bytes, end)).toBe(end);

    framer.reset();
    bodies.length = 0;
    expect(framer.complete).toBe(false);
    expect(framer.head).toBeUndefined();
    expect(framer.push(bytes, end)).toBe(bytes.length);
    expect(framer.complete).toBe(true);
    expect(heads).toHaveLength(2);
    expect(heads[1]!.raw.toString('latin1')).toBe(p.second.slice(0, p.second.indexOf('\r\n\r\n') + 4));
    expect(bodies.join('')).toBe(p.secondBody);
    expect(framer.trailers).toEqual(p.second.includes('T: v') ? ['T', 'v'] : []);
  });

  it.each(pairs.map((p) => [p.name, p] as const))('%s: same result at every split point', (_name, p) => {
    const bytes = bin(p.first + p.second);
    for (let i = 1; i < bytes.length; i += 1) {
      const raws: string[] = [];
      let body = '';
      const framer = new MessageFramer(p.kind, {
        onHead: (h) => raws.push(h.raw.toString('latin1')),
        onData: (d) => {
          body += d.toString('latin1');
        },
      });
      const ends: number[] = [];
      let base = 0;
      for (const chunk of splitAt(bytes, i)) {
        let at = 0;
        // A proxy's loop: push, and on completion reset and go on from where the message ended.
        while (at < chunk.length) {
          at = framer.push(chunk, at);
          expect(at).toBeGreaterThanOrEqual(0);
          if (framer.complete) {
            ends.push(base + at);
            framer.reset();
          }
        }
        base += chunk.length;
      }
      expect({ split: i, raws, ends }).toEqual({
        split: i,
        raws: [p.first, p.second].map((m) => m.slice(0, m.indexOf('\r\n\r\n') + 4)),
        ends: [p.first.length, bytes.length],
      });
      expect(body.endsWith(p.secondBody)).toBe(true);
    }
  });
});

describe('MessageFramer: heads', () => {
  const headText =
    'HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nContent-Length: 0\r\nset-cookie: b=2\r\nX-Empty:\r\n\r\n';

  it('keeps the exact head bytes in raw', () => {
    const framer = new MessageFramer('response', { onHead: () => {}, onData: () => {} });
    framer.push(bin(headText));
    expect(framer.head!.raw.equals(bin(headText))).toBe(true);
  });

  it.each([
    ['set-cookie', 'a=1'],
    ['Set-Cookie', 'a=1'],
    ['SET-COOKIE', 'a=1'],
    ['content-length', '0'],
    ['Content-Length', '0'],
    ['x-empty', ''],
    ['X-Missing', undefined],
    ['set-cookie2', undefined],
  ])('header(%j) is case-insensitive and gives the first value', (name, value) => {
    const framer = new MessageFramer('response', { onHead: () => {}, onData: () => {} });
    framer.push(bin(headText));
    expect(framer.head!.header(name)).toBe(value);
  });

  it('keeps header names and values in the order and spelling received', () => {
    const framer = new MessageFramer('response', { onHead: () => {}, onData: () => {} });
    framer.push(bin(headText));
    expect(framer.head!.rawHeaders).toEqual([
      'Set-Cookie',
      'a=1',
      'Content-Length',
      '0',
      'set-cookie',
      'b=2',
      'X-Empty',
      '',
    ]);
  });
});

describe('MessageFramer: errors', () => {
  const errors: { name: string; kind: Kind; bytes: string; error: RegExp }[] = [
    {
      name: 'request line without version',
      kind: 'request',
      bytes: 'GET /\r\n\r\n',
      error: /bad request line/,
    },
    {
      name: 'request line HTTP/2.0',
      kind: 'request',
      bytes: 'GET / HTTP/2.0\r\n\r\n',
      error: /bad request line/,
    },
    {
      name: 'method with a separator',
      kind: 'request',
      bytes: 'G@T / HTTP/1.1\r\n\r\n',
      error: /bad request line/,
    },
    {
      name: 'request line with two spaces',
      kind: 'request',
      bytes: 'GET  / HTTP/1.1\r\n\r\n',
      error: /bad request line/,
    },
    {
      name: 'a response where a request is due',
      kind: 'request',
      bytes: 'HTTP/1.1 200 OK\r\n\r\n',
      error: /bad request line/,
    },
    {
      name: 'status of two digits',
      kind: 'response',
      bytes: 'HTTP/1.1 20 OK\r\n\r\n',
      error: /bad status line/,
    },
    { name: 'status line HTTP/2', kind: 'response', bytes: 'HTTP/2 200\r\n\r\n', error: /bad status line/ },
    { name: 'non-HTTP status line', kind: 'response', bytes: 'ICY 200 OK\r\n\r\n', error: /bad status line/ },
    {
      name: 'a request where a response is due',
      kind: 'response',
      bytes: 'GET / HTTP/1.1\r\n\r\n',
      error: /bad status line/,
    },
    {
      name: 'header line without colon',
      kind: 'request',
      bytes: 'GET / HTTP/1.1\r\nHost: h\r\nNoColonHere\r\n\r\n',
      error: /malformed header line/,
    },
    {
      name: 'header line with an empty name',
      kind: 'response',
      bytes: 'HTTP/1.1 200 OK\r\n: value\r\n\r\n',
      error: /malformed header line/,
    },
    {
      name: 'non-hex chunk size',
      kind: 'request',
      bytes: 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
      error: /bad chunk size/,
    },
    {
      name: 'empty chunk size line',
      kind: 'response',
      bytes: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n',
      error: /bad chunk size/,
    },
    {
      name: 'negative chunk size',
      kind: 'response',
      bytes: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n',
      error: /bad chunk size/,
    },
    {
      name: 'chunk data longer than its size',
      kind: 'request',
      bytes: 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello world\r\n0\r\n\r\n',
      error: /chunk data longer than its size/,
    },
    {
      name: 'non-numeric content-length',
      kind: 'request',
      bytes: 'POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n',
      error: /bad content-length/,
    },
    {
      name: 'negative content-length',
      kind: 'response',
      bytes: 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
      error: /bad content-length/,
    },
    {
      name: 'fractional content-length',
      kind: 'response',
      bytes: 'HTTP/1.1 200 OK\r\nContent-Length: 1.5\r\n\r\n',
      error: /bad content-length/,
    },
    {
      name: 'empty content-length',
      kind: 'request',
      bytes: 'POST / HTTP/1.1\r\nContent-Length:\r\n\r\n',
      error: /bad content-length/,
    },
  ];

  it.each(errors.map((e) => [e.name, e] as const))('%s fails at every split point', (_name, e) => {
    const bytes = bin(e.bytes);
    const runs = [[bytes], bytewise(bytes)];
    for (let i = 1; i < bytes.length; i += 1) runs.push(splitAt(bytes, i));
    for (const chunks of runs) {
      const framer = new MessageFramer(e.kind, { onHead: () => {}, onData: () => {} });
      let result = 0;
      for (const chunk of chunks) {
        result = framer.push(chunk, 0);
        if (result < 0) break;
      }
      expect({ pieces: chunks.length, result }).toEqual({ pieces: chunks.length, result: -1 });
      expect(framer.error).toMatch(e.error);
    }
  });

  it('accepts the same messages once the fault is repaired (the table tests the fault, not the shape)', () => {
    const fixed: [Kind, string][] = [
      ['request', 'GET / HTTP/1.1\r\n\r\n'],
      ['response', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'],
      ['request', 'GET / HTTP/1.1\r\nHost: h\r\nColon: here\r\n\r\n'],
      ['request', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'],
      ['request', 'POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc'],
    ];
    for (const [kind, text] of fixed) {
      const r = frame(kind, [bin(text)]);
      expect({ text, error: r.error, complete: r.complete }).toEqual({
        text,
        error: undefined,
        complete: true,
      });
    }
  });

  const big = `GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`;

  it.each([
    ['in one chunk', [bin(big)]],
    [
      'in 1 KB pieces',
      Array.from({ length: Math.ceil(big.length / 1024) }, (_, i) =>
        bin(big.slice(i * 1024, (i + 1) * 1024)),
      ),
    ],
    ['without its end', [bin(big.slice(0, -4))]],
    ['split just before its end', splitAt(bin(big), big.length - 2)],
    // Empty lines are skipped, but not without bound.
    ['made of empty lines only', [bin('\r\n'.repeat(40 * 1024))]],
  ])('rejects a head over 64 KB %s', (_name, chunks) => {
    const framer = new MessageFramer('request', { onHead: () => {}, onData: () => {} });
    let result = 0;
    for (const chunk of chunks) {
      result = framer.push(chunk, 0);
      if (result < 0) break;
    }
    expect(result).toBe(-1);
    expect(framer.error).toMatch(/head too large/);
    expect(framer.head).toBeUndefined();
  });

  it('accepts a head just under 64 KB', () => {
    const text = `GET / HTTP/1.1\r\nX-Big: ${'a'.repeat(60 * 1024)}\r\n\r\n`;
    expect(frame('request', [bin(text)]).complete).toBe(true);
    expect(frame('request', [bin(text.slice(0, 1000)), bin(text.slice(1000))]).complete).toBe(true);
  });
});
