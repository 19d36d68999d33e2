import type { TrafficRecord } from '@tapline/contracts';
import { hasPerformance } from './endpoint-performance.js';
import type { ResolvedOptions } from './engine-options.js';
import { headerValue } from './header-value.js';

/** A record the engine can place at all (anything else is counted as filtered). */
export function isInventoried(r: TrafficRecord): boolean {
  return typeof r === 'object' && r !== null && typeof r.path === 'string';
}

/** Which placeable records the inventory counts: the status filter, ignored paths and ignore headers. */
export class RecordFilter {
  constructor(private readonly options: ResolvedOptions) {}

  isFiltered(r: TrafficRecord): boolean {
    return !this.options.acceptStatus(r.statusCode) || this.isIgnored(r);
  }

  /** Health checks and self-traffic: never counted, not even for performance. */
  isIgnored(r: TrafficRecord): boolean {
    const path = r.path;
    for (const fragment of this.options.ignorePathsContaining) if (path.includes(fragment)) return true;
    return (
      headerValue(r.requestHeaders, 'x-akto-ignore') !== undefined ||
      headerValue(r.requestHeaders, 'x-tapline-ignore') !== undefined
    );
  }

  /** Kept out by the status filter alone and carrying performance: still counted on its endpoint. */
  countsWhenFiltered(r: TrafficRecord): boolean {
    return hasPerformance(r) && !this.options.acceptStatus(r.statusCode) && !this.isIgnored(r);
  }
}
