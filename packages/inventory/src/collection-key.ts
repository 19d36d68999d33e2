import { isIP } from 'node:net';
import { getHeader, type TrafficRecord } from '@tapline/contracts';

export interface CollectionKey {
  /** Collection name and identity: the host, or `vxlan-<id>`, or the record's source. */
  key: string;
  host: string | null;
}

/**
 * Collections are keyed by the lower-cased `host` header when it names a host (not an ip); default ports
 * are dropped so `api.example.com:443` and `api.example.com` are one collection. Without a usable host:
 * `vxlan-<vxlanId>`, else the record's source.
 */
export function collectionKeyOf(record: TrafficRecord): CollectionKey {
  const raw =
    getHeader(record.requestHeaders ?? {}, 'host') ?? getHeader(record.requestHeaders ?? {}, ':authority');
  const host = typeof raw === 'string' ? normaliseHost(raw) : null;
  if (host !== null) return { key: host, host };
  const vxlan = typeof record.vxlanId === 'string' ? record.vxlanId.trim() : '';
  if (vxlan.length > 0) return { key: `vxlan-${vxlan}`, host: null };
  return { key: String(record.source || 'unknown').toLowerCase(), host: null };
}

/** Lower-cased host without default ports; null when empty or an ip address. */
export function normaliseHost(raw: string): string | null {
  let host = raw.trim().toLowerCase();
  if (host.endsWith(':443') || host.endsWith(':80')) host = host.slice(0, host.lastIndexOf(':'));
  if (host.length === 0) return null;
  let name = host;
  if (name.startsWith('[')) name = name.slice(1, name.indexOf(']') > 0 ? name.indexOf(']') : undefined);
  else if (name.indexOf(':') === name.lastIndexOf(':') && name.includes(':'))
    name = name.slice(0, name.indexOf(':'));
  if (isIP(name) !== 0) return null;
  return host;
}
