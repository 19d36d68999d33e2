import { randomBytes } from 'node:crypto';

export interface Session {
  user: string;
  expiresAt: number;
}

/** Sessions held at once; the oldest is dropped beyond it, so memory stays bounded. */
export const MAX_SESSIONS = 10_000;

/**
 * Server-side sessions keyed by a random id (the cookie carries only the signed id), so logout ends a
 * session for good and a copied cookie dies with it.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(user: string): { id: string; session: Session } {
    this.#sweep();
    while (this.#sessions.size >= MAX_SESSIONS) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest === undefined) break;
      this.#sessions.delete(oldest);
    }
    const id = randomBytes(32).toString('base64url');
    const session = { user, expiresAt: this.now() + this.ttlMs };
    this.#sessions.set(id, session);
    return { id, session };
  }

  get(id: string): Session | undefined {
    const session = this.#sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  delete(id: string): void {
    this.#sessions.delete(id);
  }

  get size(): number {
    return this.#sessions.size;
  }

  #sweep(): void {
    const now = this.now();
    for (const [id, session] of this.#sessions) {
      if (session.expiresAt <= now) this.#sessions.delete(id);
    }
  }
}
