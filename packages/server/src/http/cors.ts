import type { FastifyInstance } from 'fastify';

/**
 * CORS only for configured origins, for browser tools that read with a bearer token. The plugin is
 * loaded only then, so a default install never answers with CORS headers.
 */
export async function installCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  const { default: cors } = await import('@fastify/cors');
  await app.register(cors, {
    origin: [...origins],
    methods: ['GET', 'HEAD'],
    allowedHeaders: ['authorization', 'content-type'],
    credentials: false,
    maxAge: 600,
  });
}
