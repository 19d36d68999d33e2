import type { FastifyRequest } from 'fastify';
import { parseBearer, parseProxyUser } from './credentials.js';
import { hashPassword, parseScryptHash, type ScryptParams, verifyPassword } from './password-hash.js';
import { createProxyTrust } from './proxy-trust.js';
import type { SecurityConfig } from './security-config.js';
import type { SessionStore } from './session-store.js';
import { createTokenSet } from './token-set.js';

export const SESSION_COOKIE = 'tapline_session';

export interface Principal {
  user: string;
  via: 'token' | 'session' | 'proxy';
}

/**
 * `presented`: the request carried a credential that failed (a wrong token, a forged cookie, a proxy
 * header from an untrusted address); such failures count against the client's rate limit.
 */
export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; presented: boolean };

/** Decides who a request is, from read tokens, the session cookie or a trusted proxy's user header. */
export class Authenticator {
  readonly #isReadToken: (candidate: string) => boolean;
  readonly #isTrustedProxy: (address: string | undefined) => boolean;
  readonly #users: Map<string, ScryptParams>;
  /** Verified for unknown user names, so their answer takes as long as a known user's. */
  #decoy: Promise<ScryptParams | undefined> | undefined;

  constructor(
    private readonly security: SecurityConfig,
    private readonly sessions: SessionStore,
  ) {
    this.#isReadToken = createTokenSet(security.readTokens);
    this.#isTrustedProxy = createProxyTrust(security.trustedProxies);
    this.#users = new Map();
    for (const user of security.users) {
      const params = parseScryptHash(user.hash);
      if (params !== undefined) this.#users.set(user.name, params);
    }
  }

  authenticate(request: FastifyRequest): AuthOutcome {
    let presented = false;
    const bearer = parseBearer(request.headers.authorization);
    if (bearer.kind === 'bearer') {
      if (this.#isReadToken(bearer.token)) return { ok: true, principal: { user: 'token', via: 'token' } };
      presented = true;
    } else if (bearer.kind === 'malformed') presented = true;

    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie !== undefined) {
      const unsigned = request.unsignCookie(cookie);
      const session =
        unsigned.valid && unsigned.value !== null ? this.sessions.get(unsigned.value) : undefined;
      if (session !== undefined) return { ok: true, principal: { user: session.user, via: 'session' } };
      // An expired or logged-out session is routine; only a forged signature counts as a failure.
      if (!unsigned.valid) presented = true;
    }

    const header = request.headers[this.security.proxyUserHeader];
    if (header !== undefined && this.security.trustedProxies.length > 0) {
      const user = parseProxyUser(header);
      if (user !== undefined && this.#isTrustedProxy(request.socket.remoteAddress)) {
        return { ok: true, principal: { user, via: 'proxy' } };
      }
      presented = true;
    }
    return { ok: false, presented };
  }

  /** A user name and password, or (empty user name) a read token in the password field. */
  async checkLogin(user: string, password: string): Promise<string | undefined> {
    if (user === '') return password !== '' && this.#isReadToken(password) ? 'token' : undefined;
    const params = this.#users.get(user);
    if (params === undefined) {
      this.#decoy ??= hashPassword('decoy', 15).then(parseScryptHash);
      const decoy = await this.#decoy;
      if (decoy !== undefined) await verifyPassword(password, decoy);
      return undefined;
    }
    return (await verifyPassword(password, params)) ? user : undefined;
  }

  get acceptsLogins(): boolean {
    return this.#users.size > 0 || this.security.readTokens.length > 0;
  }
}
