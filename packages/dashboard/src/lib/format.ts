const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
const number = new Intl.NumberFormat();

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export function formatNumber(n: number): string {
  return number.format(n);
}

/** "3 min ago", "5 h ago", "2 d ago": how fresh the traffic is, at a glance. */
export function formatAgo(iso: string, now = Date.now()): string {
  const ms = now - new Date(iso).getTime();
  if (Number.isNaN(ms)) return iso;
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

/** Pretty-prints JSON bodies; anything else is shown as it came. */
export function formatBody(body: string): string {
  const trimmed = body.trim();
  if (trimmed === '' || !(trimmed.startsWith('{') || trimmed.startsWith('['))) return body;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return body;
  }
}

/** Engine names flattened body fields as `a#b#$#c`; shown as `a.b[].c`. */
export function displayParamName(name: string): string {
  return name.replaceAll('#$', '[]').replaceAll('#', '.');
}

export const SEVEN_DAYS_MS = 7 * 86_400_000;

/** Handler time: "0.42 ms", "12.3 ms", "1,250 ms" (three significant digits below a second). */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${number.format(Math.round(ms))} ms`;
  return `${Number(ms.toPrecision(3))} ms`;
}

/** A rate 0..1 as a percentage: "0 %", "0.25 %", "12.5 %". */
export function formatRate(rate: number): string {
  return `${Number((rate * 100).toPrecision(3))} %`;
}
