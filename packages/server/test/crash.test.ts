import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { httpRequest, postJson } from './support/http.js';
import { makeRecord, wireBody } from './support/records.js';
import { type SpawnedProcess, spawnTs } from './support/spawn-server.js';
import { makeTempDir } from './support/temp-dir.js';

const ENTRY = fileURLToPath(new URL('./support/serve-entry.ts', import.meta.url));
const CLIENTS = 4;
const BATCH = 50;
const INGEST_MS = 2_500;

/** Each batch is its own collection (host `b<n>.crash.test`), so its calls must be exactly 0 or BATCH. */
function batchBody(id: number): string {
  const host = `b${id}.crash.test`;
  return wireBody(
    Array.from({ length: BATCH }, (_, i) =>
      makeRecord({ path: `/items?i=${i}`, requestHeaders: { host, 'content-type': 'application/json' } }),
    ),
  );
}

async function startEntry(dataDir: string): Promise<{ proc: SpawnedProcess; url: string }> {
  const proc = spawnTs(ENTRY, [dataDir]);
  const { url } = JSON.parse(await proc.firstLine) as { url: string };
  return { proc, url };
}

describe('crash safety: SIGKILL during sustained ingestion', () => {
  const temp = makeTempDir('tapline-crash-');
  const running: SpawnedProcess[] = [];
  afterAll(async () => {
    for (const proc of running) {
      if (proc.child.exitCode === null && proc.child.signalCode === null) {
        proc.child.kill('SIGKILL');
        await proc.exited;
      }
    }
    temp.remove();
  });

  it('keeps every acknowledged record exactly once in the inventory', { timeout: 90_000 }, async () => {
    const first = await startEntry(temp.dir);
    running.push(first.proc);
    const acknowledged = new Set<number>();
    const sent = new Set<number>();
    let nextId = 0;
    let killed = false;
    const client = async () => {
      while (!killed) {
        const id = nextId++;
        sent.add(id);
        try {
          const response = await postJson(`${first.url}/api/ingestData`, batchBody(id));
          if (response.status === 200 && (response.json() as { accepted: number }).accepted === BATCH) {
            acknowledged.add(id);
          } else if (response.status !== 503) {
            throw new Error(`unexpected answer ${response.status}: ${response.text}`);
          }
        } catch (error) {
          if (!killed) throw error;
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, client);
    await new Promise((resolve) => setTimeout(resolve, INGEST_MS));
    killed = true;
    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    await Promise.all(clients);
    expect(acknowledged.size).toBeGreaterThan(10);

    const second = await startEntry(temp.dir);
    running.push(second.proc);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const health = (await httpRequest(`${second.url}/healthz`)).json() as { lag: number };
      if (health.lag === 0) break;
      if (Date.now() > deadline) throw new Error('the inventory did not catch up after the restart');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    second.proc.child.kill('SIGTERM');
    expect(await second.proc.exited).toBe(0);

    const db = new Database(`${temp.dir}/inventory.db`, { readonly: true });
    const rows = db
      .prepare(
        `SELECT c.host AS host, SUM(e.calls) AS calls FROM collections c JOIN endpoints e ON e.collection_id = c.id
         GROUP BY c.host`,
      )
      .all() as { host: string; calls: number }[];
    db.close();
    const calls = new Map(rows.map((row) => [row.host, row.calls]));
    for (const id of acknowledged) expect(calls.get(`b${id}.crash.test`), `batch ${id}`).toBe(BATCH);
    for (const [host, count] of calls) {
      const id = Number(/^b(\d+)\.crash\.test$/.exec(host)?.[1]);
      expect(sent.has(id), host).toBe(true);
      expect(count, host).toBe(BATCH);
    }
    expect(calls.size).toBeGreaterThanOrEqual(acknowledged.size);
  });
});
