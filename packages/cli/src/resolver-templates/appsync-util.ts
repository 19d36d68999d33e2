/**
 * The subset of AppSync's `$util` that Tapline's mapping templates (and the AppSync examples its tests
 * render) use, with AppSync's semantics. Velocity prints an unknown reference as its own text, which
 * would hide a missing function in a rendered template; here calling one fails the render instead.
 */

/** Thrown by `$util.error`; the renderer turns it into a GraphQL error with this message and type. */
export class TemplateSentError extends Error {
  constructor(
    message: string,
    readonly errorType: string | null,
    readonly data: unknown,
  ) {
    super(message);
    this.name = 'TemplateSentError';
  }
}

const JS_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "'": "\\'",
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

function isNull(value: unknown): boolean {
  return value === null || value === undefined;
}

function isNullOrEmpty(value: unknown): boolean {
  if (isNull(value)) return true;
  if (typeof value === 'string' || Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value as object).length === 0;
  return false;
}

export interface AppSyncUtil {
  readonly errors: TemplateSentError[];
  qr(...values: unknown[]): string;
  quiet(...values: unknown[]): string;
  toJson(value: unknown): string;
  parseJson(text: string): unknown;
  escapeJavaScript(value: unknown): string;
  isNull(value: unknown): boolean;
  isNullOrEmpty(value: unknown): boolean;
  isNullOrBlank(value: unknown): boolean;
  defaultIfNull(value: unknown, fallback?: unknown): unknown;
  defaultIfNullOrEmpty(value: unknown, fallback: unknown): unknown;
  defaultIfNullOrBlank(value: unknown, fallback: unknown): unknown;
  error(message: string, type?: string | null, data?: unknown): never;
  appendError(message: string, type?: string | null, data?: unknown): string;
}

export class UnsupportedUtilError extends Error {}

/** A fresh `$util` per render: `errors` collects what `$util.error`/`appendError` raised. */
export function createAppSyncUtil(): AppSyncUtil {
  const errors: TemplateSentError[] = [];
  const util: AppSyncUtil = {
    errors,
    qr: () => '',
    quiet: () => '',
    toJson: (value) => JSON.stringify(value === undefined ? null : value),
    parseJson: (text) => JSON.parse(text),
    escapeJavaScript: (value) => String(value).replace(/["'\\\n\r\u2028\u2029]/g, (c) => JS_ESCAPES[c] ?? c),
    isNull,
    isNullOrEmpty,
    isNullOrBlank: (value) =>
      isNull(value) || (typeof value === 'string' ? value.trim() === '' : isNullOrEmpty(value)),
    defaultIfNull: (value, fallback = '') => (isNull(value) ? fallback : value),
    defaultIfNullOrEmpty: (value, fallback) => (isNullOrEmpty(value) ? fallback : value),
    defaultIfNullOrBlank: (value, fallback) =>
      isNull(value) || (typeof value === 'string' && value.trim() === '') ? fallback : value,
    error(message, type = null, data = null) {
      const error = new TemplateSentError(message, type, data);
      errors.push(error);
      throw error;
    },
    appendError(message, type = null, data = null) {
      errors.push(new TemplateSentError(message, type, data));
      return '';
    },
  };
  return new Proxy(util, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !(key in target)) {
        throw new UnsupportedUtilError(`$util.${key} is not supported by Tapline's VTL renderer`);
      }
      return Reflect.get(target, key, receiver);
    },
  });
}
