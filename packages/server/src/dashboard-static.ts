import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { ServerErrorCode } from './errors.js';

/** packages/dashboard/dist, found by path (from src/ or dist/ alike) so the server never loads React. */
export function defaultDashboardDir(): string {
  return fileURLToPath(new URL('../../dashboard/dist/', import.meta.url));
}

const NOT_BUILT =
  'Tapline is running, but the dashboard is not built.\n' +
  'Build it with `npm run build -w @tapline/dashboard` (or `npm run build` at the repository root) and restart;\n' +
  'the JSON API is at /api/collections.\n';

/**
 * Serves the built dashboard at `/`, with an SPA fallback: any non-API GET that accepts HTML gets
 * index.html, so deep links like /collections/:id survive a reload.
 */
export async function registerDashboard(app: FastifyInstance, dashboardDir: string | null): Promise<void> {
  const dir = dashboardDir ?? defaultDashboardDir();
  const built = existsSync(join(dir, 'index.html'));
  if (built) await app.register(fastifyStatic, { root: dir, prefix: '/' });
  else app.get('/', async (_request, reply) => reply.type('text/plain; charset=utf-8').send(NOT_BUILT));

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const wantsHtml = (request.headers.accept ?? '').includes('text/html');
    if (built && request.method === 'GET' && wantsHtml && !path.startsWith('/api/') && path !== '/api') {
      return reply.sendFile('index.html');
    }
    return reply.status(404).send({
      success: false,
      error: `no route for ${request.method} ${path}`,
      code: ServerErrorCode.NotFound,
    });
  });
}
