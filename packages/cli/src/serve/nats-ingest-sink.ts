import { checkIdempotencyKey, type NatsTrafficLog } from '@tapline/log-nats';
import type { IngestSink } from '@tapline/server';

/**
 * The ingest route's sink on JetStream: a batch is acknowledged once JetStream acknowledged every one of
 * its records; a record over the stream's message limit is refused on its own; the batch's
 * `Idempotency-Key` becomes each record's `Nats-Msg-Id`, so a retry on any replica is stored once.
 */
export function natsIngestSink(log: NatsTrafficLog): IngestSink {
  const inFlight = new Set<Promise<unknown>>();
  return {
    checkIdempotencyKey,
    append: async (records, options) => {
      const publishing = log.append(records, {
        recordIndexes: options.recordIndexes,
        ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
      });
      inFlight.add(publishing);
      try {
        const outcome = await publishing;
        if (outcome.kind === 'retryable') return outcome;
        return {
          kind: 'ok',
          rejected: outcome.rejected.map((r) => ({ index: r.index, error: `${r.code}: ${r.message}` })),
        };
      } finally {
        inFlight.delete(publishing);
      }
    },
    drain: async () => {
      await Promise.allSettled([...inFlight]);
    },
  };
}
