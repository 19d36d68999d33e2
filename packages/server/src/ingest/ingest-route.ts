import { decodeWireRecord, type TrafficRecord } from '@tapline/contracts';
import type { FastifyInstance } from 'fastify';
import type { FailureLimiter } from '../auth/failure-limiter.js';
import { ServerErrorCode } from '../errors.js';
import { HttpError } from '../http-error.js';
import type { ServerMetrics } from '../metrics.js';
import type { IngestSink, SinkOutcome } from './ingest-sink.js';
import { jsonErrorPosition } from './json-error-position.js';
import { createTokenCheck } from './token-auth.js';

export interface IngestRouteOptions {
  sink: IngestSink;
  metrics: ServerMetrics;
  tokens: readonly string[];
  maxBodyBytes: number;
  maxLagRecords: number;
  /** Called after records were committed, to wake the engine. */
  onAppended: () => void;
  /** Counts failed token checks per client (429 beyond the limit). */
  limiter?: FailureLimiter;
}

export interface IngestReply {
  success: true;
  accepted: number;
  rejected: { index: number; error: string }[];
}

const RETRY_AFTER_SECONDS = '1';

/** The checked `Idempotency-Key` when the sink dedupes retries (400 when malformed); otherwise ignored. */
function idempotencyKeyOf(header: string | string[] | undefined, sink: IngestSink): string | undefined {
  if (header === undefined || sink.checkIdempotencyKey === undefined) return undefined;
  const checked = sink.checkIdempotencyKey(Array.isArray(header) ? header.join(',') : header);
  if (!checked.ok) throw new HttpError(400, ServerErrorCode.BadRequest, checked.error);
  return checked.key;
}

/** `POST /api/ingestData`, wire-compatible with Akto's collector; acknowledges only durably stored records. */
export async function ingestRoutes(app: FastifyInstance, options: IngestRouteOptions): Promise<void> {
  const checkToken = options.tokens.length > 0 ? createTokenCheck(options.tokens) : undefined;

  // Only this scope parses bodies; Fastify enforces the limit while streaming and answers 413.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: options.maxBodyBytes },
    (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const text = body as string;
        const position = /position \d+/.test(reason) ? -1 : jsonErrorPosition(text);
        const where =
          position < 0 ? '' : ` at position ${position}${position >= text.length ? ' (end of body)' : ''}`;
        done(new HttpError(400, ServerErrorCode.BadRequest, `malformed JSON${where}: ${reason}`), undefined);
      }
    },
  );

  app.addHook('onRequest', async (request, reply) => {
    if (checkToken !== undefined) await options.limiter?.assertNotLimited(request, reply);
    if (checkToken !== undefined && !checkToken(request.headers)) {
      await options.limiter?.recordFailure(request, reply);
      throw new HttpError(401, ServerErrorCode.Unauthorized, 'missing or invalid ingestion token');
    }
    if (options.metrics.lag > options.maxLagRecords) {
      options.metrics.throttled += 1;
      reply.header('retry-after', RETRY_AFTER_SECONDS);
      throw new HttpError(
        503,
        ServerErrorCode.Overloaded,
        `the inventory engine is ${options.metrics.lag} records behind; retry later`,
      );
    }
  });

  app.post('/api/ingestData', async (request, reply) => {
    const body = request.body as unknown;
    const batch =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? (body as { batchData?: unknown }).batchData
        : undefined;
    if (!Array.isArray(batch)) {
      throw new HttpError(400, ServerErrorCode.BadRequest, 'expected a JSON object with a "batchData" array');
    }
    const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key'], options.sink);
    const records: TrafficRecord[] = [];
    const recordIndexes: number[] = [];
    let rejected: IngestReply['rejected'] = [];
    for (let index = 0; index < batch.length; index++) {
      const decoded = decodeWireRecord(batch[index]);
      if (decoded.ok) {
        records.push(decoded.record);
        recordIndexes.push(index);
      } else rejected.push({ index, error: decoded.error });
    }
    let accepted = records.length;
    if (records.length > 0) {
      let outcome: SinkOutcome;
      try {
        outcome = await options.sink.append(records, {
          recordIndexes,
          ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        });
      } catch (error) {
        outcome = { kind: 'retryable', reason: 'storage-error', detail: String(error) };
        request.log.error({ err: error }, 'storing a batch failed');
      }
      if (outcome.kind === 'retryable') {
        // Nothing of this batch is acknowledged; the producer should send it again.
        if (outcome.reason !== 'storage-error')
          request.log.warn({ reason: outcome.reason, detail: outcome.detail }, 'a batch could not be stored');
        options.metrics.unavailable += 1;
        reply.header('retry-after', RETRY_AFTER_SECONDS);
        throw new HttpError(503, ServerErrorCode.Storage, 'the batch could not be stored; retry later');
      }
      if (outcome.rejected.length > 0) {
        rejected = [...rejected, ...outcome.rejected].sort((a, b) => a.index - b.index);
        accepted -= outcome.rejected.length;
      }
      options.metrics.accepted += accepted;
      options.onAppended();
    }
    options.metrics.rejected += rejected.length;
    if (accepted === 0 && rejected.length > 0) {
      return reply.status(422).send({ success: false, accepted: 0, rejected });
    }
    return { success: true, accepted, rejected } satisfies IngestReply;
  });
}
