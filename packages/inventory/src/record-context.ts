import { bucketsFor, type EndpointState, type ParamBuckets } from './endpoint-state.js';
import type { LeafVisitor } from './flatten.js';
import type { ParameterIn, ParameterLocation } from './inventory-types.js';
import { MASK_BITS } from './masking.js';

/** Counts one value of a parameter where `context` points; returns whether samples mask it. */
export type TouchParameter = (context: RecordContext, name: string, value: unknown) => boolean;

/**
 * The working state of one record applied to one endpoint: which part of the record is being read and
 * the visitors the parsers call for every value they find. Each step receives it explicitly; a new one
 * is made per record and endpoint, so nothing carries over from one record to the next.
 */
export class RecordContext {
  location: ParameterLocation = 'request';
  status: number | null = null;
  where: ParameterIn = 'header';
  /** Values come from text (headers, query, path, forms), not from typed JSON. */
  textual = true;
  buckets: ParamBuckets;
  /** Query pairs visited so far, and the bits of those masked (see PendingSample). */
  pairIndex = 0;
  pairMask = 0;
  readonly visitLeaf: LeafVisitor;
  /** For values shared by several endpoints (GraphQL): count them, never mask the shared parse in place. */
  readonly visitLeafReadOnly: LeafVisitor;
  /** Query pairs: remembers which positions were masked. */
  readonly visitPair: LeafVisitor;

  constructor(
    readonly endpoint: EndpointState,
    /** The record's time, epoch seconds. */
    readonly time: number,
    touch: TouchParameter,
  ) {
    this.buckets = endpoint.request;
    this.visitLeaf = (name, value) => touch(this, name, value);
    this.visitLeafReadOnly = (name, value) => {
      touch(this, name, value);
      return false;
    };
    this.visitPair = (name, value) => {
      const i = this.pairIndex++;
      const mask = touch(this, canonicalName(name), value);
      if (mask && i < MASK_BITS) this.pairMask |= 1 << i;
      return mask;
    };
  }

  /** Points the context at another part of the record. */
  at(location: ParameterLocation, status: number | null, where: ParameterIn, textual: boolean): this {
    this.location = location;
    this.status = status;
    this.where = where;
    this.textual = textual;
    this.buckets = bucketsFor(this.endpoint, location, status);
    return this;
  }
}

/**
 * One shared string per query parameter name (sliced fresh from every path): the cached string keeps its
 * hash and is the very key of the parameter map, so the look-up that follows is a pointer match.
 */
const canonicalNames = new Map<string, string>();
function canonicalName(name: string): string {
  const known = canonicalNames.get(name);
  if (known !== undefined) return known;
  if (canonicalNames.size >= 10_000) canonicalNames.clear();
  canonicalNames.set(name, name);
  return name;
}
