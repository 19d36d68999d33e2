/**
 * Where a request went, as producers spell it. HAR imports and some proxies send `path` as an absolute URL
 * (`https://host/books?x=1`); Akto's Go extension sends direct invocations with an empty method and path.
 */

const ABSOLUTE_HTTP_URL = /^https?:\/\//i;

export interface SplitTarget {
  /** Path and query, starting with `/`. */
  path: string;
  /** Lower-cased host (with a port when one was given); no user info. Empty when the URL had none. */
  host: string;
}

/** Splits `https://user@host:8443/a?b` into host `host:8443` and path `/a?b`; undefined when not absolute. */
export function splitAbsoluteUrl(path: string): SplitTarget | undefined {
  const scheme = ABSOLUTE_HTTP_URL.exec(path);
  if (scheme === null) return undefined;
  const start = scheme[0].length;
  let end = start;
  while (end < path.length) {
    const c = path.charCodeAt(end);
    if (c === 0x2f || c === 0x3f || c === 0x23) break; // / ? #
    end++;
  }
  let authority = path.slice(start, end);
  // Credentials in the URL must not be kept (they would become a collection name).
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  let rest = path.slice(end);
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  if (rest === '' || rest.charCodeAt(0) === 0x3f) rest = `/${rest}`;
  return { path: rest, host: authority.toLowerCase() };
}

/**
 * Defaults for a direct invocation sent with an empty method and path (Akto's Go extension does this for
 * events that are not HTTP): `POST` (Lambda's Invoke is a POST) to `/<function>` when the tag names the
 * function, as Tapline's extension records direct invocations, else `/`.
 */
export function directInvocationPath(tag: Record<string, string>): string {
  const fn = tag.function;
  return typeof fn === 'string' && /^[A-Za-z0-9_-]{1,140}$/.test(fn) ? `/${fn}` : '/';
}
