/**
 * Where one 100-record batch's time goes on the ingest thread, measured in-process on the bench's own
 * bodies: JSON.parse of the body, per-record validation (decodeWireRecord and, for comparison,
 * the straightforward reference decoder kept for the differential test), serialising the segment for the log,
 * and the durable SQLite append. Medians of several passes, in microseconds per batch. Run by run.ts
 * in a process of its own (sources mapped like the server's); prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWireRecord, type TrafficRecord } from '@tapline/contracts';
import { sqliteStorage } from '@tapline/server';
import { referenceDecodeWireRecord } from '../../packages/contracts/test/support/wire-decode-reference.js';
import { bodyPool } from './records.js';

interface StageCosts {
  parseBody: number;
  decode: number;
  /** A batch of 100 invalid records. */
  reject: number;
  serialise: number;
  /** µs per batch when each commit holds one batch, and when group commit puts 8 batches in one. */
  append: number;
  appendGrouped: number;
}

const PASSES = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Median over passes of the mean µs per batch of `run` over all bodies. */
async function perBatch(count: number, run: (i: number) => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < count; i++) await run(i); // warm-up
  const passes: number[] = [];
  for (let pass = 0; pass < PASSES; pass++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) await run(i);
    passes.push(Number(process.hrtime.bigint() - start) / 1000 / count);
  }
  return median(passes);
}

async function measureStages(
  bodies: string[],
  sync: 'full' | 'normal',
  useReference: boolean,
): Promise<StageCosts> {
  const n = bodies.length;
  const parsed = bodies.map((body) => (JSON.parse(body) as { batchData: unknown[] }).batchData);
  const decoded = parsed.map((batch) =>
    batch.map((raw) => {
      const result = decodeWireRecord(raw);
      if (!result.ok) throw new Error(result.error);
      return result.record;
    }),
  );
  const parseBody = await perBatch(n, (i) => JSON.parse(bodies[i] as string));
  // One decoder per process (`reference`: the reference decoder): measured side by side in one
  // process, whichever runs second is favoured by ~10-40 %. Valid records, then a batch a producer
  // got wrong (every record rejected; the reference decoder throws an exception per record).
  const decoder = useReference ? referenceDecodeWireRecord : decodeWireRecord;
  const invalid = parsed.map((batch) =>
    batch.map((raw) => ({ ...(raw as Record<string, unknown>), statusCode: 'abc' })),
  );
  const decode = await perBatch(n, (i) => {
    for (const raw of parsed[i] as unknown[]) decoder(raw);
  });
  const reject = await perBatch(n, (i) => {
    for (const raw of invalid[i] as unknown[]) decoder(raw);
  });
  const serialise = await perBatch(n, (i) => JSON.stringify(decoded[i]));
  const dir = mkdtempSync(join(tmpdir(), 'tapline-bench-stages-'));
  const log = await sqliteStorage.factories.trafficLog({ dataDir: dir, sync });
  // The log's append serialises too: subtract `serialise` to get SQLite alone.
  const append = await perBatch(n, (i) => log.append(decoded[i] as TrafficRecord[]));
  const groups = Array.from({ length: n / 8 }, (_, g) => decoded.slice(g * 8, g * 8 + 8).flat());
  const appendGrouped = (await perBatch(groups.length, (g) => log.append(groups[g] as TrafficRecord[]))) / 8;
  await log.close();
  rmSync(dir, { recursive: true, force: true });
  return { parseBody, decode, reject, serialise, append, appendGrouped };
}

const sync = process.argv[2] === 'normal' ? 'normal' : 'full';
const useReference = process.argv[3] === 'reference';
process.stdout.write(`${JSON.stringify(await measureStages(bodyPool(48, 100), sync, useReference))}\n`);
