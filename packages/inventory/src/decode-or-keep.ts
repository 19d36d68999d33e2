/**
 * Percent-decodes one URL component, keeping the raw text when it is not valid percent-encoding
 * (captured traffic often is not). `plusIsSpace` for query strings and form bodies, where `+` is a space.
 */
export function decodeOrKeep(text: string, plusIsSpace = false): string {
  const plus = plusIsSpace && text.includes('+');
  if (!plus && !text.includes('%')) return text;
  try {
    return decodeURIComponent(plus ? text.replace(/\+/g, ' ') : text);
  } catch {
    return text;
  }
}
