import type { FastifyError, FastifyInstance } from 'fastify';

/** Every error answers JSON `{success:false,error,code}`; 5xx details stay in the log. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    const internal = status >= 500 && status !== 503;
    if (internal) request.log.error({ err: error }, 'request failed');
    const code = error.code;
    const message = internal ? 'internal error; see the server log' : error.message;
    return reply.status(status).send({ success: false, error: message, code });
  });
}
