/**
 * One mirrored HTTP exchange, as Tapline handles it internally: typed fields, parsed headers.
 * The wire form (every field a string, as Akto's producers send it) is decoded in `wire-decode.ts` and written by `wire-encode.ts`.
 */

/** Traffic sources Akto's collector accepts; the Lambda extensions send `MIRRORING`. */
export const TRAFFIC_SOURCES = [
  'HAR',
  'PCAP',
  'MIRRORING',
  'SDK',
  'OTHER',
  'POSTMAN',
  'OPEN_API',
  'BURP',
  'IMPERVA',
  'WIZ',
] as const;
export type TrafficSource = (typeof TRAFFIC_SOURCES)[number];

/** A flat header map. Names keep the case the producer sent; look-ups should be case-insensitive. */
export type HeaderMap = Record<string, string>;

export interface TrafficRecord {
  /** Request path with the query string, e.g. `/items?id=3`. */
  path: string;
  method: string;
  requestHeaders: HeaderMap;
  responseHeaders: HeaderMap;
  /** Raw request body text (empty when there is none). */
  requestPayload: string;
  /** Raw response body text. */
  responsePayload: string;
  /** Client ip; may be an `X-Forwarded-For` chain. */
  ip: string;
  destIp?: string;
  /** Epoch seconds. */
  time: number;
  statusCode: number;
  /** Reason phrase, e.g. `OK`. */
  status: string;
  /** Protocol, e.g. `HTTP/1.1`. */
  type: string;
  accountId: string;
  vxlanId: string;
  isPending: boolean;
  source: TrafficSource;
  /** `1` incoming, `2` outgoing, when the producer says. */
  direction?: '1' | '2';
  /** Flat tag map, e.g. `{ service: 'lambda', source: 'AppSync' }`. */
  tag: Record<string, string>;
}

/** Defaults the Lambda extensions use for the Akto bookkeeping fields. */
export const LAMBDA_RECORD_DEFAULTS = {
  accountId: '1000000',
  vxlanId: '0',
  isPending: false,
  source: 'MIRRORING',
  type: 'HTTP/1.1',
} as const satisfies Partial<TrafficRecord>;
