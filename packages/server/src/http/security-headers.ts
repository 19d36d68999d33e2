import type { FastifyInstance } from 'fastify';

/** One year, the value HSTS preload lists expect. */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Headers on every response, errors and 404s included. The dashboard's own CSP stays in its page (a
 * meta tag); `frame-ancestors` only works as a header, so a header CSP carries it for everything else.
 */
export function installSecurityHeaders(app: FastifyInstance, options: { tls: boolean }): void {
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    if (!reply.hasHeader('content-security-policy'))
      reply.header('content-security-policy', "frame-ancestors 'none'");
    if (options.tls) reply.header('strict-transport-security', HSTS);
    // Inventory answers must not linger in shared or browser caches.
    if (
      !reply.hasHeader('cache-control') &&
      (request.url.startsWith('/api/') || request.url.startsWith('/metrics'))
    ) {
      reply.header('cache-control', 'no-store');
    }
    return payload;
  });
}
