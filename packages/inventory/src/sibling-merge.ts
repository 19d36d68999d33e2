import { classifyValue, isSecretName } from './classify-value.js';
import { decodeOrKeep } from './decode-or-keep.js';
import {
  addUnique,
  allParams,
  bucketsFor,
  type EndpointState,
  endpointSensitive,
  maskFlagOf,
  mergeAuthTypes,
  type ParamState,
  type PendingSample,
} from './endpoint-state.js';
import { parameterIdOf } from './ids.js';
import type { SampleRow } from './inventory-types.js';
import { MASK } from './masking.js';
import { isPathToken, pathParameterName } from './template-path.js';

/** Static siblings needed before they merge into one `STRING` template. */
export const SIBLING_MERGE_MIN = 10;
/** Mean pairwise Jaccard similarity of the siblings' parameter-name sets required to merge. */
export const SIBLING_SIMILARITY_MIN = 0.5;
/** Siblings compared (the earliest seen), bounding the pairwise comparison. */
const MAX_COMPARED = 30;

function isPlain(segment: string): boolean {
  return segment.length > 0 && !isPathToken(segment);
}

/** One group key per plain segment: method, position, and the other segments. */
export function siblingGroupKeys(ep: EndpointState): string[] {
  const segs = ep.segments;
  if (segs === null) return [];
  const keys: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    if (!isPlain(segs[i] as string)) continue;
    const copy = [...segs];
    copy[i] = '\u0000';
    keys.push(`${ep.row.method} ${i} ${copy.join('/')}`);
  }
  return keys;
}

/**
 * The parameters that tell endpoints apart: query, path and body parameters plus response statuses.
 * Headers and cookies are left out: every endpoint of a host shares them, which would make everything "similar".
 */
export function signatureOf(ep: EndpointState): Set<string> {
  const out = new Set<string>();
  for (const p of allParams(ep)) {
    const r = p.row;
    if (r.in === 'header' || r.in === 'cookie' || r.in === 'path') continue;
    out.add(`${r.location}|${r.status ?? ''}|${r.in}|${r.name}`);
  }
  return out;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/** Mean pairwise Jaccard similarity; 1 for fewer than two sets. */
export function meanPairwiseJaccard(sets: readonly ReadonlySet<string>[]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < sets.length; i++) {
    for (let j = i + 1; j < sets.length; j++) {
      sum += jaccard(sets[i] as ReadonlySet<string>, sets[j] as ReadonlySet<string>);
      pairs++;
    }
  }
  return pairs === 0 ? 1 : sum / pairs;
}

export interface SiblingMerge {
  position: number;
  templatePath: string;
  members: EndpointState[];
}

/** The merge a newly created static endpoint completes, if any. */
export function siblingCandidates(ep: EndpointState): SiblingMerge | null {
  const segs = ep.segments;
  if (segs === null) return null;
  const keys = siblingGroupKeys(ep);
  let k = 0;
  for (let i = 0; i < segs.length; i++) {
    if (!isPlain(segs[i] as string)) continue;
    const group = ep.collection.siblingGroups.get(keys[k++] as string);
    if (group === undefined || group.size < SIBLING_MERGE_MIN) continue;
    const members = [...group].sort(
      (a, b) => a.row.firstSeen - b.row.firstSeen || (a.row.id < b.row.id ? -1 : a.row.id > b.row.id ? 1 : 0),
    );
    const similarity = meanPairwiseJaccard(members.slice(0, MAX_COMPARED).map(signatureOf));
    if (similarity < SIBLING_SIMILARITY_MIN) continue;
    const tpl = [...segs];
    tpl[i] = 'STRING';
    return { position: i, templatePath: `/${tpl.join('/')}`, members };
  }
  return null;
}

function paramFor(target: EndpointState, src: ParamState['row'], maxParams: number): ParamState | undefined {
  const map = bucketsFor(target, src.location, src.status)[src.in];
  let p = map.get(src.name);
  if (p === undefined) {
    if (target.paramCount >= maxParams) return undefined;
    p = {
      row: {
        ...src,
        id: parameterIdOf(target.row.id, src.location, src.status, src.in, src.name),
        endpointId: target.row.id,
        types: [],
        sensitive: [],
        examples: [],
        count: 0,
        firstSeen: src.firstSeen,
        lastSeen: src.lastSeen,
      },
      lastValue: undefined,
      seenExamples: [],
      secretName: src.in === 'cookie' || isSecretName(src.name),
      mask: false,
      dirty: false,
    };
    map.set(src.name, p);
    target.paramCount++;
  }
  return p;
}

function foldRow(into: ParamState['row'], from: ParamState['row']): void {
  into.count += from.count;
  if (from.firstSeen < into.firstSeen) into.firstSeen = from.firstSeen;
  if (from.lastSeen > into.lastSeen) into.lastSeen = from.lastSeen;
  for (const t of from.types) addUnique(into.types, t);
  for (const s of from.sensitive) addUnique(into.sensitive, s);
  for (const e of from.examples) if (into.examples.length < 3) addUnique(into.examples, e);
}

/** Folds `src` (a static sibling) into `target` (its STRING template). Returns the target parameters touched. */
export function foldEndpoint(
  src: EndpointState,
  target: EndpointState,
  position: number,
  maxParams: number,
  maxSamples: number,
): ParamState[] {
  const t = target.row;
  const s = src.row;
  t.calls += s.calls;
  if (s.firstSeen < t.firstSeen) t.firstSeen = s.firstSeen;
  if (s.lastSeen > t.lastSeen) t.lastSeen = s.lastSeen;
  for (const code of s.statusCodes) addUnique(t.statusCodes, code);
  t.statusCodes.sort((a, b) => a - b);
  mergeAuthTypes(t.authTypes, s.authTypes);
  endpointSensitive(t.sensitive, s.sensitive);

  const touched: ParamState[] = [];
  for (const p of allParams(src)) {
    const into = paramFor(target, p.row, maxParams);
    if (into === undefined) continue;
    foldRow(into.row, p.row);
    into.mask = maskFlagOf(into.row, into.secretName);
    touched.push(into);
  }
  // The static segment becomes a value of the new STRING path parameter.
  const raw = src.segments?.[position];
  if (raw !== undefined && s.calls > 0) {
    const value = decodeOrKeep(raw);
    const c = classifyValue(value, 'request', true);
    const name = pathParameterName('STRING', position);
    const synthetic: ParamState['row'] = {
      id: '',
      endpointId: t.id,
      location: 'request',
      status: null,
      in: 'path',
      name,
      types: [c.type],
      sensitive: c.sensitive === null ? [] : [c.sensitive],
      firstSeen: s.firstSeen,
      lastSeen: s.lastSeen,
      count: s.calls,
      examples: [c.sensitive === null ? value : MASK],
    };
    const into = paramFor(target, synthetic, maxParams);
    if (into !== undefined) {
      foldRow(into.row, synthetic);
      into.mask = maskFlagOf(into.row, into.secretName);
      touched.push(into);
    }
  }
  for (const p of touched) {
    for (const sc of p.row.sensitive) endpointSensitive(t.sensitive, [sc]);
  }

  const samples = [...target.samples, ...src.samples].map((x) => retarget(x, t.id));
  samples.sort((a, b) => a.seq - b.seq);
  target.samples = samples.slice(Math.max(0, samples.length - maxSamples));
  target.samplesDirty = true;

  for (const [hour, calls] of src.hourly) {
    target.hourly.set(hour, (target.hourly.get(hour) ?? 0) + calls);
    target.dirtyHours.add(hour);
  }
  return touched;
}

function retarget(x: SampleRow | PendingSample, endpointId: string): SampleRow | PendingSample {
  if ('pending' in x || x.endpointId === endpointId) return x;
  return Object.freeze({ ...x, endpointId });
}
