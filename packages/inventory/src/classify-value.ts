import { isIP } from 'node:net';
import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { DATA_TYPES, type DataType, type ParameterLocation, type SensitiveClass } from './inventory-types.js';

export interface Classification {
  type: DataType;
  sensitive: SensitiveClass | null;
}

const HEX24_RE = /^[0-9a-f]{24}$/i;
const EMAIL_RE = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;
const URL_RE = /^(?:https?|wss?|ftp):\/\/[^\s/?#]+[^\s]*$/i;
const INT_RE = /^-?\d{1,20}$/;
const FLOAT_RE = /^-?\d+\.\d+(?:[eE][-+]?\d+)?$/;
const SSN_RE = /^(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}$/;
const CARD_CHARS_RE = /^[\d -]{12,23}$/;
const PHONE_CHARS_RE = /^\+?[\d ().-]{7,22}$/;
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const VIN_RE = /^[A-HJ-NPR-Z0-9]{17}$/i;
const BASE64URL_PART_RE = /^[A-Za-z0-9_-]+={0,2}$/;
const IP_CHARS_RE = /^[0-9a-fA-F:.]{2,45}$/;

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

const ALWAYS_SENSITIVE: Partial<Record<DataType, SensitiveClass>> = {
  EMAIL: 'EMAIL',
  SSN: 'SSN',
  CREDIT_CARD: 'CREDIT_CARD',
  VIN: 'VIN',
  PHONE_NUMBER: 'PHONE_NUMBER',
};

/** Frozen results, precomputed, so the hot path allocates nothing per value. */
const RESULTS: Record<ParameterLocation, Record<DataType, Classification>> = {
  request: buildResults('request'),
  response: buildResults('response'),
};
function buildResults(location: ParameterLocation): Record<DataType, Classification> {
  const out = {} as Record<DataType, Classification>;
  for (const type of DATA_TYPES) {
    let sensitive: SensitiveClass | null = ALWAYS_SENSITIVE[type] ?? null;
    if (location === 'response' && (type === 'JWT' || type === 'IP_ADDRESS')) sensitive = type;
    out[type] = Object.freeze({ type, sensitive });
  }
  return out;
}
function result(type: DataType, location: ParameterLocation): Classification {
  return RESULTS[location][type];
}

/**
 * Classifies one leaf value. `textual` says the value came from text where numbers and booleans are
 * spelled as strings (headers, query, path, cookies, form bodies); JSON string values are not re-read as
 * numbers, so inferred schemas keep their JSON types. Cheap checks (length, first character) gate the
 * expensive ones (regexes, Luhn, phone metadata, JWT header decoding).
 */
export function classifyValue(value: unknown, location: ParameterLocation, textual = false): Classification {
  switch (typeof value) {
    case 'string':
      return result(classifyString(value, textual), location);
    case 'number':
      return result(classifyNumber(value), location);
    case 'bigint':
      return result(value >= INT32_MIN && value <= INT32_MAX ? 'INTEGER_32' : 'INTEGER_64', location);
    case 'boolean':
      return result(value ? 'TRUE' : 'FALSE', location);
    case 'object':
      if (value === null) return result('NULL', location);
      return result(Array.isArray(value) ? 'ARRAY' : 'OBJECT', location);
    default:
      return result('GENERIC', location);
  }
}

function classifyNumber(n: number): DataType {
  if (!Number.isInteger(n)) return Number.isFinite(n) ? 'FLOAT' : 'GENERIC';
  if (n >= INT32_MIN && n <= INT32_MAX) return 'INTEGER_32';
  if (n >= 1e11 && Number.isSafeInteger(n) && isCardNumber(String(n))) return 'CREDIT_CARD';
  return 'INTEGER_64';
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function classifyString(s: string, textual: boolean): DataType {
  const len = s.length;
  if (len === 0) return 'GENERIC';
  const c0 = s.charCodeAt(0);
  if (len === 36 && isUuid(s)) return 'UUID';
  if (len === 24 && HEX24_RE.test(s)) return 'OBJECT_ID';
  if (isDigit(c0) || ((c0 === 45 || c0 === 43 || c0 === 40) && len > 1)) {
    // '-', '+', '(' or a digit: the numeric family.
    if (INT_RE.test(s)) {
      if (len >= 12 && len <= 19 && c0 !== 45 && isCardNumber(s)) return 'CREDIT_CARD';
      if (!textual) return looksLikePhone(s) ? 'PHONE_NUMBER' : 'GENERIC';
      const n = Number(s);
      return n >= INT32_MIN && n <= INT32_MAX ? 'INTEGER_32' : 'INTEGER_64';
    }
    if (len === 11 && SSN_RE.test(s)) return 'SSN';
    if (len <= 23 && CARD_CHARS_RE.test(s) && isCardNumber(s.replace(/[ -]/g, ''))) return 'CREDIT_CARD';
    if (len >= 10 && s.charCodeAt(4) === 45 && DATE_TIME_RE.test(s)) return 'DATE_TIME';
    if (FLOAT_RE.test(s)) return textual ? 'FLOAT' : 'GENERIC';
    if (IP_CHARS_RE.test(s) && isIP(s) !== 0) return 'IP_ADDRESS';
    if (looksLikePhone(s)) return 'PHONE_NUMBER';
    if (len === 17 && isVin(s)) return 'VIN';
    return 'GENERIC';
  }
  if (textual && len <= 5) {
    if (s === 'true') return 'TRUE';
    if (s === 'false') return 'FALSE';
  }
  if (c0 === 101 && len > 20 && s.startsWith('eyJ') && isJwt(s)) return 'JWT';
  if (s.includes('@')) return EMAIL_RE.test(s) ? 'EMAIL' : 'GENERIC';
  if (len > 8 && s.includes('://') && URL_RE.test(s)) return 'URL';
  if (len === 17 && isVin(s)) return 'VIN';
  if (len >= 2 && s.includes(':') && IP_CHARS_RE.test(s) && isIP(s) !== 0) return 'IP_ADDRESS';
  return 'GENERIC';
}

/** Phone candidates: a `+` prefix or separators, 7-15 digits; only those reach libphonenumber-js. */
function looksLikePhone(s: string): boolean {
  if (s.length > 22 || !PHONE_CHARS_RE.test(s)) return false;
  let digits = 0;
  for (let i = 0; i < s.length; i++) if (isDigit(s.charCodeAt(i))) digits++;
  if (digits < 7 || digits > 15) return false;
  // Bare digit strings are numbers, not phones; national formats need separators.
  if (s.charCodeAt(0) !== 43 && digits === s.length) return false;
  let valid = phoneCache.get(s);
  if (valid === undefined) {
    valid = s.charCodeAt(0) === 43 ? isValidPhoneNumber(s) : isValidPhoneNumber(s, 'US');
    if (phoneCache.size >= 10_000) phoneCache.clear();
    phoneCache.set(s, valid);
  }
  return valid;
}

/** Phone metadata look-ups are the most expensive check; the same numbers recur, so results are cached. */
const phoneCache = new Map<string, boolean>();

/** 12-19 digits, Luhn-valid, with a known card-brand prefix. */
export function isCardNumber(digits: string): boolean {
  const len = digits.length;
  if (len < 12 || len > 19) return false;
  if (!hasCardBrandPrefix(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = len - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function hasCardBrandPrefix(d: string): boolean {
  const p2 = Number(d.slice(0, 2));
  const p4 = Number(d.slice(0, 4));
  const len = d.length;
  if (d[0] === '4') return len === 13 || len === 16 || len === 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return len === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return len === 15; // Amex
  if (p4 === 6011 || p2 === 65 || (p4 >= 6440 && p4 <= 6499)) return len >= 16; // Discover
  if (p2 === 36 || p2 === 38 || p2 === 39 || (p4 >= 3000 && p4 <= 3059)) return len >= 14; // Diners
  if (p4 >= 3528 && p4 <= 3589) return len >= 16; // JCB
  if (p2 === 62) return len >= 16; // UnionPay
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return len >= 12; // Maestro
  return false;
}

const jwtCache = new Map<string, boolean>();

/** Three base64url parts whose first decodes to a JSON object with `alg`. Tokens recur, so results are cached. */
export function isJwt(s: string): boolean {
  if (!s.startsWith('eyJ')) return false;
  let known = jwtCache.get(s);
  if (known === undefined) {
    known = checkJwt(s);
    if (jwtCache.size >= 10_000) jwtCache.clear();
    jwtCache.set(s, known);
  }
  return known;
}

function checkJwt(s: string): boolean {
  const first = s.indexOf('.');
  const second = first < 0 ? -1 : s.indexOf('.', first + 1);
  if (second < 0 || s.indexOf('.', second + 1) >= 0) return false;
  const header = s.slice(0, first);
  const payload = s.slice(first + 1, second);
  const signature = s.slice(second + 1);
  if (!BASE64URL_PART_RE.test(header) || !BASE64URL_PART_RE.test(payload)) return false;
  if (signature.length > 0 && !BASE64URL_PART_RE.test(signature)) return false;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && 'alg' in parsed;
  } catch {
    return false;
  }
}

const VIN_VALUES: Record<string, number> = {
  A: 1,
  B: 2,
  C: 3,
  D: 4,
  E: 5,
  F: 6,
  G: 7,
  H: 8,
  J: 1,
  K: 2,
  L: 3,
  M: 4,
  N: 5,
  P: 7,
  R: 9,
  S: 2,
  T: 3,
  U: 4,
  V: 5,
  W: 6,
  X: 7,
  Y: 8,
  Z: 9,
};
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

/** 17 VIN characters (no I, O, Q), letters and digits, and a valid check digit (position 9). */
export function isVin(raw: string): boolean {
  if (!VIN_RE.test(raw)) return false;
  const s = raw.toUpperCase();
  let sum = 0;
  let letters = 0;
  for (let i = 0; i < 17; i++) {
    const ch = s[i] as string;
    const c = ch.charCodeAt(0);
    let v: number;
    if (isDigit(c)) v = c - 48;
    else {
      letters++;
      v = VIN_VALUES[ch] ?? 0;
    }
    sum += v * (VIN_WEIGHTS[i] as number);
  }
  if (letters === 0 || letters === 17) return false;
  const check = sum % 11;
  const expected = check === 10 ? 'X' : String(check);
  return s[8] === expected;
}

const SECRET_NAME_RE =
  /authorization|cookie|api[-_]?key|passkey|token|passw(or)?d|secret|session|signature|credential|private[-_]?key|clientcert/i;

/** Secrets recognised by their name (headers, cookies, body keys): always masked, class SECRET. */
export function isSecretName(name: string): boolean {
  const hash = name.lastIndexOf('#');
  return SECRET_NAME_RE.test(hash < 0 ? name : name.slice(hash + 1));
}

/** 8-4-4-4-12 hex digits; a character loop is cheaper than the regex on this hot path. */
export function isUuid(s: string): boolean {
  if (s.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}
