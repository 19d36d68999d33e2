import type { TrafficRecord } from '@tapline/contracts';
import type { ChangeSet } from './change-set.js';
import { collectionKeyOf, hostCacheKey } from './collection-key.js';
import type { CollectionState } from './endpoint-state.js';
import { applyGatewayTags } from './gateway-tags.js';
import { headerValue } from './header-value.js';
import { collectionIdOf } from './ids.js';
import type { LoggedRecord } from './inventory-types.js';
import { isInventoried, type RecordFilter } from './record-filter.js';
import type { ResidentInventory } from './resident-inventory.js';

/**
 * Which collection a record belongs to (see collection-key.ts), found through caches so most records
 * cost one look-up, and what the record changes on it: first/last seen, tags, gateway tags.
 */
export class CollectionRouter {
  /** Raw Host header (with the stage, see `hostCacheKey`) → collection. */
  private readonly byHost = new Map<string, CollectionState>();
  /** For records without a host name: everything their key is derived from → collection. */
  private readonly byRecordKey = new Map<string, CollectionState>();

  constructor(
    private readonly resident: ResidentInventory,
    private readonly changes: ChangeSet,
  ) {}

  /** The record's collection, made (and marked changed) when it is new. */
  collectionFor(r: TrafficRecord, time: number): CollectionState {
    const rawHost = headerValue(r.requestHeaders, 'host');
    // Most records name their host: one look-up by the raw header (and the stage, for API Gateway). Hosts
    // that are ips fall back to the vxlan/source key, which is built per record.
    const host = rawHost === undefined ? undefined : hostCacheKey(rawHost, r);
    let c = host === undefined ? undefined : this.byHost.get(host);
    let cacheKey: string | null = null;
    if (c === undefined) {
      // Everything the key is derived from: the absolute-URL host and the stage too.
      cacheKey = `${host ?? ''}\u0000${r.urlHost ?? ''}\u0000${r.vxlanId}\u0000${r.source}\u0000${r.apiStage ?? ''}\u0000${r.apiId ?? ''}`;
      c = this.byRecordKey.get(cacheKey);
    }
    if (c === undefined) {
      const { key, host: name } = collectionKeyOf(r);
      c = this.resident.collections.get(key);
      if (c === undefined) {
        c = this.resident.newCollection({
          id: collectionIdOf(key),
          name: key,
          host: name,
          tags: {},
          firstSeen: time,
          lastSeen: time,
          callsOverEndpointCap: 0,
          valuesOverParameterCap: 0,
        });
        this.resident.collections.set(key, c);
        this.changes.markCollection(c);
      }
      if (host !== undefined && name !== null) {
        if (this.byHost.size > 10_000) this.byHost.clear();
        this.byHost.set(host, c);
      } else if (cacheKey !== null) {
        if (this.byRecordKey.size > 10_000) this.byRecordKey.clear();
        this.byRecordKey.set(cacheKey, c);
      }
    }
    c.lastUsed = this.resident.tick;
    const row = c.row;
    if (time > row.lastSeen) {
      row.lastSeen = time;
      this.changes.markCollection(c);
    }
    if (time < row.firstSeen) {
      row.firstSeen = time;
      this.changes.markCollection(c);
    }
    const tags = r.tag;
    if (typeof tags === 'object' && tags !== null) {
      for (const k in tags) {
        const v = tags[k];
        if (typeof v === 'string' && row.tags[k] !== v) {
          row.tags[k] = v;
          this.changes.markCollection(c);
        }
      }
    }
    if (applyGatewayTags(row.tags, r)) this.changes.markCollection(c);
    return c;
  }

  /** The record's collection if it is in memory, creating nothing (for records the filter kept out). */
  existingCollection(r: TrafficRecord): CollectionState | undefined {
    const host = headerValue(r.requestHeaders, 'host');
    // Keyed as `collectionFor` caches it: with the stage, so a stage's record never finds the bare host's.
    const c = host === undefined ? undefined : this.byHost.get(hostCacheKey(host, r));
    if (c !== undefined) return c;
    try {
      return this.resident.collections.get(collectionKeyOf(r).key);
    } catch {
      return undefined;
    }
  }

  /**
   * The collections not in memory that the records of `batch` after `checkpoint` need, in record order:
   * the ids of at most `maxCollections`, and how many records (from the start) those cover.
   */
  planLoads(
    batch: readonly LoggedRecord[],
    maxCollections: number,
    checkpoint: number,
    filter: RecordFilter,
  ): { collectionIds: string[]; records: number } {
    const wanted = new Set<string>();
    for (let i = 0; i < batch.length; i++) {
      const logged = batch[i] as LoggedRecord;
      const r = logged.record;
      if (!(logged.seq > checkpoint) || !isInventoried(r)) continue;
      if (filter.isFiltered(r) && !filter.countsWhenFiltered(r)) continue;
      const host = headerValue(r.requestHeaders, 'host');
      if (host !== undefined && this.byHost.has(hostCacheKey(host, r))) continue;
      let key: string;
      try {
        key = collectionKeyOf(r).key;
      } catch {
        continue; // apply counts it as failed
      }
      if (this.resident.collections.has(key) || wanted.has(key)) continue;
      if (wanted.size >= maxCollections)
        return { collectionIds: [...wanted].map(collectionIdOf), records: i };
      wanted.add(key);
    }
    return { collectionIds: [...wanted].map(collectionIdOf), records: batch.length };
  }

  /** Forgets cache entries of collections that left memory. */
  forget(gone: ReadonlySet<CollectionState>): void {
    if (gone.size === 0) return;
    for (const [host, c] of this.byHost) if (gone.has(c)) this.byHost.delete(host);
    for (const [key, c] of this.byRecordKey) if (gone.has(c)) this.byRecordKey.delete(key);
  }
}
