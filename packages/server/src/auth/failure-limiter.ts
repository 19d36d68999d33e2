import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServerErrorCode } from '../errors.js';
import { HttpError } from '../http-error.js';

/** Counts failed credential checks per client address; requests with valid credentials never reach it. */
export interface FailureLimiter {
  /** Throws 429 while the client is over the limit, without counting. */
  assertNotLimited(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Counts one failure; throws 429 when it is one too many. */
  recordFailure(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

const WINDOW_MS = 60_000;

export async function createFailureLimiter(app: FastifyInstance, perMinute: number): Promise<FailureLimiter> {
  // global: false: nothing is limited except what goes through this limiter.
  await app.register(rateLimit, { global: false });
  const limit = app.createRateLimit({ max: perMinute, timeWindow: WINDOW_MS });
  const check = async (request: FastifyRequest, reply: FastifyReply, increment: boolean) => {
    const result = await limit(request, { increment });
    if (!result.isAllowed && result.isExceeded) {
      reply.header('retry-after', String(Math.max(1, result.ttlInSeconds)));
      throw new HttpError(
        429,
        ServerErrorCode.RateLimited,
        `too many failed authentication attempts from this address; retry in ${Math.max(1, result.ttlInSeconds)} s`,
      );
    }
  };
  return {
    assertNotLimited: (request, reply) => check(request, reply, false),
    recordFailure: (request, reply) => check(request, reply, true),
  };
}
