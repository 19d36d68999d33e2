/**
 * HTTP/1.1 message framing for a pass-through proxy: finds where a message's head and body end in a
 * byte stream, parses the head, and decodes the body for copying, while the caller forwards the raw
 * bytes untouched. Node's own parser (llhttp) is internal and builds objects per message; parsers on
 * npm do not report byte offsets or stop at a message boundary, which forwarding verbatim needs.
 */

/** A parsed request or response head; `raw` holds its exact bytes, final blank line included. */
export interface MessageHead {
  readonly raw: Buffer;
  /** Request method (empty for responses). */
  readonly method: string;
  /** Request target (empty for responses). */
  readonly target: string;
  /** Response status (0 for requests). */
  readonly status: number;
  /** Name/value pairs in the order and spelling received. */
  readonly rawHeaders: readonly string[];
  /** First value of a header, by case-insensitive name. */
  header(name: string): string | undefined;
}

export interface FramerHandler {
  onHead(head: MessageHead): void;
  /** Decoded body bytes (chunk framing removed), for copying; the stream itself is untouched. */
  onData(data: Buffer): void;
}

type State =
  | 'head'
  | 'length'
  | 'chunk-size'
  | 'chunk-data'
  | 'chunk-end'
  | 'trailers'
  | 'until-close'
  | 'done';

const CRLFCRLF = Buffer.from('\r\n\r\n');
/** Node's default header limit is 16 KB; Lambda's headers are far smaller. */
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 8 * 1024;

class ParsedHead implements MessageHead {
  constructor(
    readonly raw: Buffer,
    readonly method: string,
    readonly target: string,
    readonly status: number,
    readonly rawHeaders: string[],
  ) {}

  header(name: string): string | undefined {
    const h = this.rawHeaders;
    const lower = name.toLowerCase();
    for (let i = 0; i < h.length; i += 2) {
      if (h[i]!.length === lower.length && h[i]!.toLowerCase() === lower) return h[i + 1];
    }
    return undefined;
  }
}

function parseFields(lines: string[], from: number, out: string[]): boolean {
  for (let i = from; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && out.length > 0) {
      out[out.length - 1] = `${out[out.length - 1]} ${line.trim()}`; // obsolete line folding
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return false;
    out.push(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return true;
}

/**
 * Frames one message at a time. `push` consumes bytes up to the end of the current message and says
 * where it stopped; after `complete` the caller decides when to `reset` for the next message.
 */
export class MessageFramer {
  private state: State = 'head';
  private pending: Buffer | undefined;
  private line = '';
  private remaining = 0;
  private trailerLines: string[] = [];
  /** True for the response to a HEAD request: a body is announced but never sent. */
  noBody = false;
  head: MessageHead | undefined;
  trailers: string[] = [];
  /** Offset in the chunk last pushed where the bytes after the head begin (valid when the head completed in it). */
  bodyOffset = 0;
  /** Set when the input is not HTTP/1.x; the stream cannot be trusted after that. */
  error: string | undefined;

  constructor(
    private readonly kind: 'request' | 'response',
    private readonly handler: FramerHandler,
  ) {}

  get complete(): boolean {
    return this.state === 'done';
  }

  /** True while the body runs until the connection closes (a response without length or chunking). */
  get untilClose(): boolean {
    return this.state === 'until-close';
  }

  get headDone(): boolean {
    return this.head !== undefined;
  }

  reset(): void {
    this.state = 'head';
    this.head = undefined;
    this.trailers = [];
    this.trailerLines = [];
    this.noBody = false;
    this.pending = undefined;
    this.line = '';
  }

  /** Ends an until-close body at end of stream; true when that completes the message. */
  endOfStream(): boolean {
    if (this.state !== 'until-close') return this.state === 'done';
    this.state = 'done';
    return true;
  }

  /** Consumes bytes of the current message from `start`; returns the offset after them, or -1 on a framing error. */
  push(chunk: Buffer, start = 0): number {
    let at = start;
    while (at < chunk.length && this.state !== 'done') {
      const next = this.step(chunk, at);
      if (next < 0) return -1;
      at = next;
    }
    return at;
  }

  private step(chunk: Buffer, at: number): number {
    switch (this.state) {
      case 'head':
        return this.readHead(chunk, at);
      case 'length':
        return this.readCounted(chunk, at, 'done');
      case 'until-close':
        this.handler.onData(at === 0 ? chunk : chunk.subarray(at));
        return chunk.length;
      case 'chunk-data':
        return this.readCounted(chunk, at, 'chunk-end');
      case 'chunk-size':
      case 'chunk-end':
      case 'trailers':
        return this.readLine(chunk, at);
      default:
        return chunk.length;
    }
  }

  /** Hands on up to `remaining` body bytes (a Content-Length body or one chunk), then moves to `after`. */
  private readCounted(chunk: Buffer, at: number, after: State): number {
    const n = Math.min(this.remaining, chunk.length - at);
    this.handler.onData(chunk.subarray(at, at + n));
    this.remaining -= n;
    if (this.remaining === 0) this.state = after;
    return at + n;
  }

  /** Reads one CRLF-terminated line (possibly split across chunks) and acts on it. */
  private readLine(chunk: Buffer, at: number): number {
    const lf = chunk.indexOf(10, at);
    if (lf < 0) {
      this.line += chunk.toString('latin1', at);
      if (this.line.length > MAX_LINE_BYTES) return this.fail('line too long');
      return chunk.length;
    }
    let line = this.line + chunk.toString('latin1', at, lf);
    this.line = '';
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (this.state === 'chunk-size') {
      const hex = line.split(';', 1)[0]!.trim();
      if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) return this.fail(`bad chunk size "${line.slice(0, 20)}"`);
      const size = Number.parseInt(hex, 16);
      if (size === 0) this.state = 'trailers';
      else {
        this.remaining = size;
        this.state = 'chunk-data';
      }
    } else if (this.state === 'chunk-end') {
      if (line !== '') return this.fail('chunk data longer than its size');
      this.state = 'chunk-size';
    } else if (line === '') {
      const out: string[] = [];
      parseFields(this.trailerLines, 0, out);
      this.trailers = out;
      this.state = 'done';
    } else {
      this.trailerLines.push(line);
    }
    return lf + 1;
  }

  private readHead(chunk: Buffer, at: number): number {
    const before = this.pending?.length ?? 0;
    const data =
      this.pending === undefined ? chunk.subarray(at) : Buffer.concat([this.pending, chunk.subarray(at)]);
    // Empty lines before a request line are allowed (RFC 9112 §2.2); the terminator is searched after
    // them, or a run of them would read as an empty head.
    let skipped = 0;
    while (data[skipped] === 13 && data[skipped + 1] === 10) skipped += 2;
    // The terminator may start in the pending bytes, up to 3 bytes before the new ones.
    const found = data.indexOf(CRLFCRLF, Math.max(skipped, before - 3));
    if (found < 0) {
      this.pending = this.pending === undefined ? Buffer.from(data) : data;
      return data.length > MAX_HEAD_BYTES ? this.fail('head too large') : chunk.length;
    }
    this.pending = undefined;
    // Checked here too, so the limit does not depend on how the head was split into chunks.
    if (found + 4 > MAX_HEAD_BYTES) return this.fail('head too large');
    const bytes = data.subarray(skipped, found + 4);
    const end = at + (found + 4 - before);
    const text = bytes.toString('latin1', 0, bytes.length - 4);
    const head = this.parseHead(bytes, text);
    if (head === undefined) return -1;
    this.head = head;
    this.bodyOffset = end;
    this.handler.onHead(head);
    this.state = this.bodyState(head);
    return this.error === undefined ? end : -1;
  }

  private parseHead(raw: Buffer, text: string): ParsedHead | undefined {
    const lines = text.split('\r\n');
    const first = lines[0]!;
    const headers: string[] = [];
    if (!parseFields(lines, 1, headers)) {
      this.fail('malformed header line');
      return undefined;
    }
    if (this.kind === 'request') {
      const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.[01]$/.exec(first);
      if (m === null) {
        this.fail(`bad request line "${first.slice(0, 40)}"`);
        return undefined;
      }
      return new ParsedHead(raw, m[1]!, m[2]!, 0, headers);
    }
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(first);
    if (m === null) {
      this.fail(`bad status line "${first.slice(0, 40)}"`);
      return undefined;
    }
    return new ParsedHead(raw, '', '', Number(m[1]), headers);
  }

  private bodyState(head: ParsedHead): State {
    if (this.kind === 'response') {
      const s = head.status;
      if (this.noBody || (s >= 100 && s < 200) || s === 204 || s === 304) return 'done';
    }
    const te = head.header('transfer-encoding');
    if (te !== undefined && /(?:^|,)\s*chunked\s*$/i.test(te)) return 'chunk-size';
    const cl = head.header('content-length');
    if (cl !== undefined) {
      if (!/^\d+$/.test(cl)) {
        this.fail(`bad content-length "${cl.slice(0, 20)}"`);
        return 'done';
      }
      this.remaining = Number(cl);
      return this.remaining === 0 ? 'done' : 'length';
    }
    return this.kind === 'request' ? 'done' : 'until-close';
  }

  private fail(message: string): number {
    this.error = message;
    return -1;
  }
}
