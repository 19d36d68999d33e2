import type { ChangeSet } from './change-set.js';
import { classifyValue } from './classify-value.js';
import type { DeclaredRoute } from './declared-route.js';
import { decodeOrKeep } from './decode-or-keep.js';
import { addUnique, endpointSensitive, type PendingBody, secretFor } from './endpoint-state.js';
import { flattenJson, parseCookies, parseJsonBody, parseUrlEncoded, queryString } from './flatten.js';
import { parameterIdOf } from './ids.js';
import type { ParameterLocation } from './inventory-types.js';
import { MASK, MASK_BITS, mustMask } from './masking.js';
import { exampleOf, lowerCaseName } from './parameter-values.js';
import type { RecordContext, TouchParameter } from './record-context.js';
import type { ResidentInventory } from './resident-inventory.js';
import { isPathToken, type TemplatedPath } from './template-path.js';
import { PARAMETER_BYTES } from './working-set.js';

const MAX_EXAMPLES = 3;
const SUSPICIOUS_SEGMENT_RE = /\d{3}|[@+]|eyJ/;

/**
 * The parameters of one record on one endpoint: each part of the record (headers, cookies, query, path,
 * body) is read where its `RecordContext` points, and every value is counted by `touch`. The methods
 * return the masking decided on the way, which the pending sample keeps.
 */
export class ParameterObserver {
  /** `touch` as the parsers' visitors call it: one function for every record context. */
  readonly touchParameter: TouchParameter = (context, name, value) => this.touch(context, name, value);

  constructor(
    private readonly maxParametersPerEndpoint: number,
    private readonly resident: ResidentInventory,
    private readonly changes: ChangeSet,
  ) {}

  /** Query parameters; returns the mask bits of the pairs (see PendingSample). */
  query(context: RecordContext, path: string): number {
    const q = queryString(path);
    if (q.length === 0) return 0;
    context.at('request', null, 'query', true);
    context.pairIndex = 0;
    context.pairMask = 0;
    parseUrlEncoded(q, context.visitPair);
    return context.pairMask;
  }

  /** Header (and request cookie) parameters; returns the mask bits of the headers. */
  headers(
    context: RecordContext,
    location: ParameterLocation,
    status: number | null,
    headers: Record<string, string> | undefined,
  ): number {
    if (typeof headers !== 'object' || headers === null) return 0;
    context.at(location, status, 'header', true);
    let cookie: string | undefined;
    let n = 0;
    let maskBits = 0;
    for (const name in headers) {
      if (++n > 100) break;
      const value = headers[name];
      if (typeof value !== 'string') continue;
      const lower = lowerCaseName(name);
      if (lower === 'cookie' && location === 'request') cookie = value;
      if (this.touch(context, lower, value) && n <= MASK_BITS) maskBits |= 1 << (n - 1);
    }
    if (cookie !== undefined) {
      context.where = 'cookie';
      parseCookies(cookie, context.visitLeaf);
      context.where = 'header';
    }
    return maskBits;
  }

  /**
   * Path parameters: the declared route's under their own names, else the raw values at the endpoint's
   * template positions. Returns the mask bits of the segments (see PendingSample).
   */
  pathParams(context: RecordContext, templated: TemplatedPath, declared: DeclaredRoute | null): number {
    const ep = context.endpoint;
    context.at('request', null, 'path', true);
    let pathMask = 0;
    if (declared !== null) pathMask = this.declaredPathParams(context, declared);
    for (let k = 0; k < ep.tokenPositions.length; k++) {
      const i = ep.tokenPositions[k] as number;
      const raw = templated.rawSegments[i];
      const name = ep.pathParamNames[k] as string;
      if (raw !== undefined && this.touch(context, name, decodeOrKeep(raw)) && i < MASK_BITS) {
        pathMask |= 1 << i;
      }
    }
    // Static segments are names, but an SSN or phone number does not template: check the suspicious ones.
    const raws = templated.rawSegments;
    for (let i = 0; i < raws.length && i < MASK_BITS; i++) {
      const raw = raws[i] as string;
      if (
        (pathMask & (1 << i)) === 0 &&
        SUSPICIOUS_SEGMENT_RE.test(raw) &&
        !isPathToken(ep.segments?.[i] ?? '')
      ) {
        if (mustMask('', decodeOrKeep(raw), 'request', true)) pathMask |= 1 << i;
      }
    }
    return pathMask;
  }

  /** The declared route's parameters under their own names; returns the mask bits of their segments. */
  private declaredPathParams(context: RecordContext, declared: DeclaredRoute): number {
    let mask = 0;
    for (const v of declared.values) {
      if (!this.touch(context, v.name, decodeOrKeep(v.raw))) continue;
      for (let i = v.first; i <= v.last && i < MASK_BITS; i++) mask |= 1 << i;
    }
    return mask;
  }

  /**
   * Body parameters for the current endpoint/location: JSON flattened (and masked in place for the sample
   * when every leaf was visited), form bodies by field.
   */
  body(context: RecordContext, text: string, contentType: string | undefined, parsed: unknown): PendingBody {
    if (text.length === 0) return null;
    const json = parsed !== undefined ? parsed : parseJsonBody(text);
    if (json !== undefined) {
      context.textual = false;
      const walked = flattenJson(json, context.visitLeaf);
      if (!walked.complete) return null;
      // Serialised when taken: most records leave their endpoint's last N before that.
      return walked.masked ? { json } : 'as-is';
    }
    if (contentType?.toLowerCase().includes('application/x-www-form-urlencoded')) {
      context.textual = true;
      parseUrlEncoded(text, context.visitLeaf);
    }
    return null;
  }

  /**
   * Counts one observed value of a parameter of the current endpoint; classifies it when it changed.
   * Returns whether the value is to be masked in samples.
   */
  touch(context: RecordContext, name: string, value: unknown): boolean {
    const ep = context.endpoint;
    const location = context.location;
    const where = context.where;
    const map = context.buckets[where];
    let p = map.get(name);
    const time = context.time;
    if (p === undefined) {
      if (ep.paramCount >= this.maxParametersPerEndpoint) {
        this.changes.countOverCap(ep.collection, 'parameters');
        return mustMask(name, value, location, context.textual);
      }
      p = {
        row: {
          id: parameterIdOf(ep.row.id, location, context.status, where, name),
          endpointId: ep.row.id,
          location,
          status: context.status,
          in: where,
          name,
          types: [],
          sensitive: [],
          firstSeen: time,
          lastSeen: time,
          count: 0,
          examples: [],
        },
        lastValue: Symbol.for('tapline.unseen'),
        seenExamples: [],
        secretName: secretFor(where, name),
        mask: false,
        dirty: false,
      };
      if (p.secretName) {
        p.row.sensitive.push('SECRET');
        p.mask = true;
      }
      map.set(name, p);
      ep.paramCount++;
      this.resident.grow(ep.collection, PARAMETER_BYTES);
    }
    const row = p.row;
    row.count++;
    if (time > row.lastSeen) row.lastSeen = time;
    if (time < row.firstSeen) row.firstSeen = time;
    if (value !== p.lastValue) {
      p.lastValue = value;
      const c = classifyValue(value, location, context.textual);
      if (!row.types.includes(c.type)) row.types.push(c.type);
      if (c.sensitive !== null || c.type === 'JWT') p.mask = true;
      if (c.sensitive !== null && !row.sensitive.includes(c.sensitive)) {
        row.sensitive.push(c.sensitive);
        if (endpointSensitive(ep.row.sensitive, [c.sensitive])) this.changes.markEndpoint(ep);
      }
      if (row.examples.length < MAX_EXAMPLES && value !== undefined && !p.seenExamples.includes(value)) {
        const example = p.secretName || c.sensitive !== null || c.type === 'JWT' ? MASK : exampleOf(value);
        addUnique(row.examples, example);
        if (p.seenExamples.length < 8) p.seenExamples.push(value);
      }
    }
    this.changes.markParam(p);
    return p.mask;
  }
}
