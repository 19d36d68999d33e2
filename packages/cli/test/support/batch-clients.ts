import { encodeBatch } from '@tapline/contracts';
import { trafficRecord } from '@tapline/testkit';
import { http } from './scale-out.js';

/** Each batch is its own collection (host `b<n>.<suffix>`), so its calls must end up exactly 0 or `size`. */
export function batchBody(id: number, size: number, suffix: string): string {
  return encodeBatch(
    Array.from({ length: size }, (_, i) =>
      trafficRecord({ path: `/items?i=${i}`, requestHeaders: { host: `b${id}.${suffix}` } }),
    ),
  );
}

export interface BatchRun {
  acknowledged: Set<number>;
  sent: Set<number>;
  /** Answers 503, with whether each carried Retry-After. */
  unavailable: { retryAfter: boolean }[];
  stop(): Promise<void>;
}

/**
 * `clients` producers posting batches in a loop, each with its own `Idempotency-Key`; a batch is retried
 * (same key, the next ingest URL) until acknowledged, as Tapline's extension does, so every batch sent is
 * acknowledged in the end. `urls()` is read before every attempt (replicas come and go).
 */
export function runBatchClients(options: {
  clients: number;
  size: number;
  suffix: string;
  urls: () => string[];
}): BatchRun {
  const acknowledged = new Set<number>();
  const sent = new Set<number>();
  const unavailable: { retryAfter: boolean }[] = [];
  let nextId = 0;
  let stopping = false;
  const client = async (n: number) => {
    while (!stopping) {
      const id = nextId++;
      sent.add(id);
      const body = batchBody(id, options.size, options.suffix);
      for (let attempt = 0; ; attempt++) {
        const urls = options.urls();
        const url = urls[(n + attempt) % urls.length] as string;
        try {
          const answer = await http(`${url}/api/ingestData`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': `${options.suffix}-${id}` },
            body,
          });
          if (answer.status === 200) {
            const accepted = (JSON.parse(answer.text) as { accepted: number }).accepted;
            if (accepted !== options.size)
              throw new Error(`batch ${id}: accepted ${accepted}: ${answer.text}`);
            acknowledged.add(id);
            break;
          }
          if (answer.status !== 503) throw new Error(`batch ${id}: ${answer.status} ${answer.text}`);
          unavailable.push({ retryAfter: answer.headers['retry-after'] !== undefined });
        } catch (error) {
          // A replica killed mid-request: the same batch goes to the next one.
          if (!(error as { code?: string }).code?.startsWith('E')) throw error;
        }
        if (attempt > 600) throw new Error(`batch ${id} never acknowledged`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const running = Promise.all(Array.from({ length: options.clients }, (_, n) => client(n)));
  return {
    acknowledged,
    sent,
    unavailable,
    stop: async () => {
      stopping = true;
      await running;
    },
  };
}
