import { isIP } from 'node:net';
import { getHeader, type TrafficRecord } from '@tapline/contracts';
import { gatewayDeploymentOf, stageSuffix } from './gateway-tags.js';

export interface CollectionKey {
  /**
   * Collection name and identity: the host, or `vxlan-<id>`, or the record's source; for API Gateway
   * records followed by the stage (`<host>#<stage>`, see gateway-tags.ts). Also what decides a record's
   * log partition, so it is a function of the record alone.
   */
  key: string;
  host: string | null;
}

/**
 * Collections are keyed by the lower-cased `host` header when it names a host (not an ip, not a value no
 * host name can be); default ports are dropped so `api.example.com:443` and `api.example.com` are one
 * collection. Without a usable Host header, the host of an absolute-URL path (`urlHost`); without either:
 * `vxlan-<vxlanId>`, else the record's source. Each API Gateway stage is a collection of its own:
 * `<host>#<stage>` (`#<stage>#<apiId>` on a custom domain, which can serve several APIs).
 */
export function collectionKeyOf(record: TrafficRecord): CollectionKey {
  const base = baseKeyOf(record);
  const suffix = stageSuffix(gatewayDeploymentOf(record), base.host);
  return suffix === '' ? base : { key: base.key + suffix, host: base.host };
}

/**
 * What the engine caches a record's collection under, from its raw Host header: the header alone, or with
 * the stage and API id for API Gateway records (one host, several collections).
 */
export function hostCacheKey(rawHost: string, record: TrafficRecord): string {
  const stage = record.apiStage;
  return stage === undefined ? rawHost : `${rawHost}\u0000${stage}\u0000${record.apiId ?? ''}`;
}

function baseKeyOf(record: TrafficRecord): CollectionKey {
  const raw =
    getHeader(record.requestHeaders ?? {}, 'host') ?? getHeader(record.requestHeaders ?? {}, ':authority');
  const host =
    (typeof raw === 'string' ? normaliseHost(raw) : null) ??
    (typeof record.urlHost === 'string' ? normaliseHost(record.urlHost) : null);
  if (host !== null) return { key: host, host };
  const vxlan = typeof record.vxlanId === 'string' ? record.vxlanId.trim() : '';
  if (vxlan.length > 0) return { key: `vxlan-${vxlan}`, host: null };
  return { key: String(record.source || 'unknown').toLowerCase(), host: null };
}

/** Dot-separated labels of letters, digits, `-` and `_` (seen in internal names), with an optional port. */
const HOST_NAME_RE = /^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?(?::\d{1,5})?$/;
const MAX_HOST_CHARS = 253 + 6;

/**
 * Lower-cased host without default ports; null when empty, an ip address, or not a host name at all
 * (`<script>`, spaces, quotes: such a value must not name a collection).
 */
export function normaliseHost(raw: string): string | null {
  let host = raw.trim().toLowerCase();
  if (host.endsWith(':443') || host.endsWith(':80')) host = host.slice(0, host.lastIndexOf(':'));
  if (host.length === 0) return null;
  // `[...]` is an IPv6 literal (or not a host at all); bare IPv6 has colons the pattern refuses.
  if (host.length > MAX_HOST_CHARS || !HOST_NAME_RE.test(host)) return null;
  const colon = host.indexOf(':');
  if (isIP(colon < 0 ? host : host.slice(0, colon)) !== 0) return null;
  return host;
}
