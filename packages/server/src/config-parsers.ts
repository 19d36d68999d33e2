import { ServerError, ServerErrorCode } from './errors.js';

/** The shared value parsers of the server configuration: each names the setting and what to fix. */
export function invalid(what: string, fix: string): never {
  throw new ServerError(ServerErrorCode.Config, `${what}: ${fix}`);
}

export function integerIn(source: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw.trim()))
    invalid(`${source}=${JSON.stringify(raw)}`, `expected an integer from ${min} to ${max}`);
  const value = Number(raw);
  if (value < min || value > max) invalid(`${source}=${raw}`, `expected an integer from ${min} to ${max}`);
  return value;
}

export function booleanValue(source: string, raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (value === '1' || value === 'true' || value === 'yes') return true;
  if (value === '0' || value === 'false' || value === 'no' || value === '') return false;
  return invalid(`${source}=${JSON.stringify(raw)}`, 'expected true or false');
}

export function oneOf<T extends string>(source: string, raw: string, allowed: readonly T[]): T {
  const value = raw.trim().toLowerCase();
  if ((allowed as readonly string[]).includes(value)) return value as T;
  return invalid(`${source}=${JSON.stringify(raw)}`, `expected one of ${allowed.join(', ')}`);
}

/** A comma-separated list; blanks around items and empty items are dropped. */
export function commaList(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
