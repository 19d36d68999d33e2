/** Flattening of bodies, query strings and cookies into `name → leaf value` pairs. */
import { MAX_JSON_DEPTH, nestedDeeperThan } from '@tapline/contracts';

import { decodeOrKeep } from './decode-or-keep.js';
import { MASK } from './masking.js';

/** Stands in for a subtree nested too deep to serialise or walk safely (it would overflow the stack). */
export const TOO_DEEP = '[nested too deep]';

/**
 * Called per leaf. Returning `true` from a JSON walk replaces the leaf with `****` in the walked value, so
 * the engine masks a parsed body in the same pass that classifies it.
 */
export type LeafVisitor = (name: string, value: unknown) => boolean | undefined;

export interface FlattenResult {
  leaves: number;
  /** False when limits cut the walk short (leaves, depth or array items left unvisited). */
  complete: boolean;
  /** True when the visitor asked for at least one leaf to be masked. */
  masked: boolean;
}

interface WalkState {
  left: number;
  complete: boolean;
  masked: boolean;
}

export interface FlattenLimits {
  /** Leaves visited per call; the rest is skipped (bounds the cost of one record). */
  maxLeaves: number;
  /** Nesting depth below which values are reported as one OBJECT/ARRAY leaf. */
  maxDepth: number;
  /** Array elements examined: items share a name (`$`), so a few are enough to learn their shape. */
  maxArrayItems: number;
}

export const DEFAULT_FLATTEN_LIMITS: FlattenLimits = Object.freeze({
  maxLeaves: 200,
  maxDepth: 12,
  maxArrayItems: 5,
});

/**
 * Visits the leaves of a parsed JSON value with Akto-style names: `a#b#$#c` for `a.b[0].c`. Empty objects
 * and arrays are leaves themselves; a bare top-level scalar has no name and is not visited.
 */
export function flattenJson(
  value: unknown,
  visit: LeafVisitor,
  prefix = '',
  limits: FlattenLimits = DEFAULT_FLATTEN_LIMITS,
): FlattenResult {
  const state: WalkState = { left: limits.maxLeaves, complete: true, masked: false };
  walk(value, prefix, 0, visit, limits, state, undefined, '');
  return { leaves: limits.maxLeaves - state.left, complete: state.complete, masked: state.masked };
}

type Holder = Record<string, unknown> | unknown[] | undefined;

function leaf(
  name: string,
  value: unknown,
  visit: LeafVisitor,
  state: WalkState,
  holder: Holder,
  key: string | number,
): void {
  state.left--;
  if (visit(name, value) === true && holder !== undefined) {
    (holder as Record<string | number, unknown>)[key] = MASK;
    state.masked = true;
  }
}

function walk(
  value: unknown,
  name: string,
  depth: number,
  visit: LeafVisitor,
  limits: FlattenLimits,
  state: WalkState,
  holder: Holder,
  key: string | number,
): void {
  if (state.left <= 0) {
    state.complete = false;
    return;
  }
  if (typeof value !== 'object' || value === null) {
    if (name.length > 0) leaf(name, value, visit, state, holder, key);
    return;
  }
  if (depth >= limits.maxDepth) {
    state.complete = false;
    // The subtree below the walk's limit is reported whole (and later serialised as an example or
    // sample): replace it when it is deep enough to overflow the stack there.
    if (holder !== undefined && nestedDeeperThan(value, MAX_JSON_DEPTH - depth)) {
      (holder as Record<string | number, unknown>)[key] = TOO_DEEP;
      state.masked = true;
      if (name.length > 0) leaf(name, TOO_DEEP, visit, state, holder, key);
      return;
    }
    if (name.length > 0) leaf(name, value, visit, state, holder, key);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      if (name.length > 0) leaf(name, value, visit, state, holder, key);
      return;
    }
    const child = name.length === 0 ? '$' : joinName(name, '$');
    let n = value.length;
    if (n > limits.maxArrayItems) {
      n = limits.maxArrayItems;
      state.complete = false;
    }
    for (let i = 0; i < n; i++) walk(value[i], child, depth + 1, visit, limits, state, value, i);
    return;
  }
  const obj = value as Record<string, unknown>;
  let any = false;
  for (const k in obj) {
    if (!Object.hasOwn(obj, k)) continue;
    any = true;
    walk(obj[k], name.length === 0 ? k : joinName(name, k), depth + 1, visit, limits, state, obj, k);
  }
  if (!any && name.length > 0) leaf(name, value, visit, state, holder, key);
}

/**
 * `${parent}#${key}`, memoised: the same names recur in every record, and a string taken from the cache
 * keeps its hash, so the parameter look-up that follows needs no re-hashing and nothing is allocated.
 */
const nameCache = new Map<string, Map<string, string>>();
let cachedNames = 0;
function joinName(parent: string, key: string): string {
  let children = nameCache.get(parent);
  if (children === undefined) {
    if (cachedNames > 100_000) {
      nameCache.clear();
      cachedNames = 0;
    }
    children = new Map();
    nameCache.set(parent, children);
  }
  let name = children.get(key);
  if (name === undefined) {
    name = `${parent}#${key}`;
    children.set(key, name);
    cachedNames++;
  }
  return name;
}

/** Parses `a=1&b=x%20y` (query strings and form bodies) into pairs; repeated names are kept in order. */
export function parseUrlEncoded(text: string, visit: LeafVisitor, maxPairs = 200): void {
  if (text.length === 0) return;
  let start = 0;
  let pairs = 0;
  while (start <= text.length && pairs < maxPairs) {
    let end = text.indexOf('&', start);
    if (end < 0) end = text.length;
    if (end > start) {
      const eq = text.indexOf('=', start);
      const hasValue = eq >= 0 && eq < end;
      const name = decodeOrKeep(text.slice(start, hasValue ? eq : end), true);
      if (name.length > 0) {
        visit(name, hasValue ? decodeOrKeep(text.slice(eq + 1, end), true) : '');
        pairs++;
      }
    }
    start = end + 1;
  }
}

/** The query string of a path (without `?`), or '' when there is none. */
export function queryString(path: string): string {
  const q = path.indexOf('?');
  if (q < 0) return '';
  const h = path.indexOf('#', q);
  return h < 0 ? path.slice(q + 1) : path.slice(q + 1, h);
}

/** Parses a `cookie` request header: `a=1; b=2`. */
export function parseCookies(header: string, visit: LeafVisitor, maxPairs = 100): void {
  let pairs = 0;
  for (const part of header.split(';')) {
    if (pairs >= maxPairs) return;
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (name.length === 0) continue;
    visit(name, part.slice(eq + 1).trim());
    pairs++;
  }
}

/** Parses a body as JSON when it looks like JSON; undefined otherwise. */
export function parseJsonBody(text: string): unknown {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) <= 32) i++;
  const c = text.charCodeAt(i);
  if (c !== 123 && c !== 91) return undefined; // '{' or '['
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
