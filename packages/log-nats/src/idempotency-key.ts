/**
 * A batch's `Idempotency-Key` header: printable ASCII without spaces, at most 128 characters, so that
 * `<key>:<index>` is a safe `Nats-Msg-Id` header value.
 */
const KEY = /^[\x21-\x7e]{1,128}$/;

export type IdempotencyKeyCheck = { ok: true; key: string } | { ok: false; error: string };

/** For the ingest route: the header's value, or the 400 message naming the problem. */
export function checkIdempotencyKey(raw: string): IdempotencyKeyCheck {
  if (KEY.test(raw)) return { ok: true, key: raw };
  return {
    ok: false,
    error: 'Idempotency-Key: expected 1-128 printable ASCII characters without spaces',
  };
}

/** The message id of record `index` of the batch: a retry of the batch maps each record to the same id. */
export function messageIdOf(key: string, index: number): string {
  return `${key}:${index}`;
}
