import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ServerErrorCode } from '../errors.js';
import { HttpError } from '../http-error.js';
import { Authenticator, type Principal } from './authenticator.js';
import type { FailureLimiter } from './failure-limiter.js';
import { loginRoutes } from './login-routes.js';
import { hasReadCredentials, type SecurityConfig } from './security-config.js';
import { SessionStore } from './session-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made the request; `null` on routes that need no credentials or when reads are open. */
    principal: Principal | null;
  }
}

export interface InstallAuthOptions {
  security: SecurityConfig;
  limiter: FailureLimiter;
  tls: boolean;
  /** Paths served without read credentials (ingestion checks its own tokens). */
  publicPaths: ReadonlySet<string>;
}

const pathOf = (url: string) => {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
};

function wantsPage(request: FastifyRequest, path: string): boolean {
  return (
    request.method === 'GET' &&
    !path.startsWith('/api/') &&
    path !== '/metrics' &&
    (request.headers.accept ?? '').includes('text/html')
  );
}

/**
 * Requires read credentials on every route but `publicPaths` once any read credential is configured
 * (the configuration refuses a non-loopback bind without one, unless --insecure). Pages redirect to the
 * login form, everything else answers 401.
 */
export async function installAuth(app: FastifyInstance, options: InstallAuthOptions): Promise<void> {
  const { security, limiter, publicPaths } = options;
  const enforce = hasReadCredentials(security);
  const sessionMs = security.sessionHours * 3_600_000;
  await app.register(fastifyCookie, {
    // Without a configured secret, sessions simply end when the process restarts.
    secret: security.sessionSecret ?? randomBytes(32).toString('base64url'),
  });
  const sessions = new SessionStore(sessionMs);
  const authenticator = new Authenticator(security, sessions);
  app.decorateRequest('principal', null);

  app.addHook('onRequest', async (request, reply) => {
    if (!enforce || request.method === 'OPTIONS') return;
    const path = pathOf(request.url);
    if (publicPaths.has(path)) return;
    if (request.headers.authorization !== undefined) await limiter.assertNotLimited(request, reply);
    const outcome = authenticator.authenticate(request);
    if (outcome.ok) {
      request.principal = outcome.principal;
      return;
    }
    if (outcome.presented) await limiter.recordFailure(request, reply);
    if (wantsPage(request, path)) {
      return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 302);
    }
    reply.header('www-authenticate', 'Bearer realm="tapline"');
    throw new HttpError(
      401,
      ServerErrorCode.Unauthorized,
      'authentication required: send Authorization: Bearer <read token> or sign in at /login',
    );
  });

  app.get('/api/session', async (request) => ({
    authenticationRequired: enforce,
    user: request.principal?.user ?? null,
    via: request.principal?.via ?? null,
  }));
  if (enforce) {
    await app.register(loginRoutes, { authenticator, sessions, limiter, secure: options.tls, sessionMs });
  } else {
    // Reads are open (loopback, nothing configured): there is nothing to sign in to.
    app.get('/login', async (_request, reply) => reply.redirect('/', 302));
  }
}
