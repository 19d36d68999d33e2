import type { FastifyInstance, FastifyReply } from 'fastify';
import { type Authenticator, SESSION_COOKIE } from './authenticator.js';
import type { FailureLimiter } from './failure-limiter.js';
import { LOGIN_PAGE_CSP, renderLoginPage } from './login-page.js';
import { safeNextPath } from './safe-redirect.js';
import type { SessionStore } from './session-store.js';

export interface LoginRouteOptions {
  authenticator: Authenticator;
  sessions: SessionStore;
  limiter: FailureLimiter;
  /** Cookies get `Secure` on TLS listeners. */
  secure: boolean;
  sessionMs: number;
}

const FORM_LIMIT_BYTES = 8 * 1024;

function sendPage(reply: FastifyReply, status: number, next: string, acceptsLogins: boolean, error?: string) {
  return reply
    .status(status)
    .header('content-security-policy', LOGIN_PAGE_CSP)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(renderLoginPage({ next, acceptsLogins, ...(error === undefined ? {} : { error }) }));
}

const field = (body: unknown, name: string): string => {
  if (typeof body !== 'object' || body === null) return '';
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
};

/** `GET /login` (the form), `POST /login` (exchanges a password or read token for a session), `POST /logout`. */
export async function loginRoutes(app: FastifyInstance, options: LoginRouteOptions): Promise<void> {
  const { authenticator, sessions, limiter } = options;
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: options.secure,
    signed: true,
  };

  // Only this scope parses forms; URLSearchParams builds plain own properties (no prototype keys).
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_LIMIT_BYTES },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  app.get<{ Querystring: { next?: string } }>('/login', async (request, reply) =>
    sendPage(reply, 200, safeNextPath(request.query.next), authenticator.acceptsLogins),
  );

  app.post('/login', { bodyLimit: FORM_LIMIT_BYTES }, async (request, reply) => {
    const next = safeNextPath(field(request.body, 'next'));
    await limiter.assertNotLimited(request, reply);
    const user = await authenticator.checkLogin(
      field(request.body, 'user').trim(),
      field(request.body, 'password'),
    );
    if (user === undefined) {
      await limiter.recordFailure(request, reply);
      return sendPage(reply, 401, next, authenticator.acceptsLogins, 'Wrong user name, password or token.');
    }
    const { id } = sessions.create(user);
    reply.setCookie(SESSION_COOKIE, id, { ...cookieOptions, maxAge: Math.floor(options.sessionMs / 1000) });
    return reply.redirect(next, 303);
  });

  app.post('/logout', async (request, reply) => {
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie !== undefined) {
      const unsigned = request.unsignCookie(cookie);
      if (unsigned.valid && unsigned.value !== null) sessions.delete(unsigned.value);
    }
    reply.clearCookie(SESSION_COOKIE, cookieOptions);
    return reply.redirect('/login', 303);
  });
}
