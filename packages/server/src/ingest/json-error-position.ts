/**
 * Offset of the first JSON syntax error in `text` (its length for a premature end), or -1 when it
 * is valid. Used only after JSON.parse failed, because V8's messages do not always carry a position.
 * Iterative, so deeply nested input cannot overflow the stack.
 */
export function jsonErrorPosition(text: string): number {
  let i = 0;
  const stack: ('{' | '[')[] = [];
  const skipWs = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t'))
      i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return true;
    }
    return false;
  };
  const string = (): boolean => {
    i++; // opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  const number = (): boolean => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (match === null) return false;
    i += match[0].length;
    return true;
  };
  const value = (): boolean => {
    skipWs();
    const c = text[i];
    if (c === '{' || c === '[') {
      stack.push(c);
      i++;
      skipWs();
      if (text[i] === (c === '{' ? '}' : ']')) {
        stack.pop();
        i++;
        return true;
      }
      return c === '[' ? value() : member();
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return number();
  };
  const member = (): boolean => {
    skipWs();
    if (text[i] !== '"' || !string()) return false;
    skipWs();
    if (text[i] !== ':') return false;
    i++;
    return value();
  };
  if (!value()) return i;
  for (;;) {
    skipWs();
    const top = stack[stack.length - 1];
    if (top === undefined) break;
    if (text[i] === ',') {
      i++;
      if (!(top === '[' ? value() : member())) return i;
    } else if (text[i] === (top === '{' ? '}' : ']')) {
      stack.pop();
      i++;
    } else return i;
  }
  return i === text.length ? -1 : i;
}
