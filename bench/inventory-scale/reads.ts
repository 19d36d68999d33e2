/**
 * Restart and read latencies of `tapline serve` on an existing data dir (e.g. one kept by profile.ts
 * with BENCH_KEEP_DIR at 2,000,000 records): the scale bench's read half, repeatable without ingesting.
 *
 *   npm run build && BENCH_DATA_DIR=/tmp/tapline-profile-scale-XXXX npx tsx bench/inventory-scale/reads.ts
 *
 * Each round starts the built CLI on the dir, times start → first `/healthz` answer, reads, stops it
 * (SIGTERM). Reads per round: the endpoint-list page (page 1, 50 rows) and one endpoint detail in each
 * of 100 random collections, and the collection list's first page (`/api/collections?pageSize=50`, what the
 * dashboard asks for) a few times. Prints median and p99 of each over all rounds. The first start of a
 * build on a dir may migrate it (once): that start is reported apart and left out of the restart figures.
 * Env: BENCH_DATA_DIR (required; used in place: copy it first if it must stay as it is),
 * BENCH_BINS (comma-separated CLI entry points, default this checkout's packages/cli/dist/bin.js; several
 * alternate round by round, so a baseline and a change are measured in the same minutes),
 * BENCH_ROUNDS (default 5), BENCH_COLLECTION_LISTS (per round, default 3), BENCH_COLD=1 (before each
 * start, drop the data dir's files from the page cache, as after a reboot or when other files pushed
 * them out: `dd iflag=nocache count=0`, GNU coreutils, this dir's files only).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { getJson, percentile, startServe, timed } from './serve-process.js';

const DATA_DIR = process.env.BENCH_DATA_DIR;
if (DATA_DIR === undefined || !existsSync(join(DATA_DIR, 'inventory.db'))) {
  throw new Error('BENCH_DATA_DIR: a data dir holding inventory.db is required');
}
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BINS = (process.env.BENCH_BINS ?? join(REPO, 'packages/cli/dist/bin.js')).split(',');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const COLLECTION_LISTS = Number(process.env.BENCH_COLLECTION_LISTS ?? 3);
const SAMPLED_COLLECTIONS = 100;
const COLD = process.env.BENCH_COLD === '1';

/** Drops the data dir's files from the page cache (clean pages only; the files are closed by then). */
function dropFromCache(): void {
  for (const file of readdirSync(DATA_DIR as string)) {
    execFileSync('dd', [`if=${join(DATA_DIR as string, file)}`, 'iflag=nocache', 'count=0'], {
      stdio: 'ignore',
    });
  }
}

/** Random collections, and one random endpoint of each, read straight from the file (read-only). */
function sample(): { collectionId: string; endpointId: string }[] {
  const db = new Database(join(DATA_DIR as string, 'inventory.db'), { readonly: true });
  try {
    const ids = db
      .prepare('SELECT id FROM collections ORDER BY random() LIMIT ?')
      .pluck()
      .all(SAMPLED_COLLECTIONS) as string[];
    const endpointOf = db
      .prepare('SELECT id FROM endpoints WHERE collection_id = ? ORDER BY random() LIMIT 1')
      .pluck();
    return ids.map((collectionId) => ({ collectionId, endpointId: endpointOf.get(collectionId) as string }));
  } finally {
    db.close();
  }
}

const figures = new Map<
  string,
  { migrate: number[]; restart: number[]; list: number[]; detail: number[]; collections: number[] }
>();
for (const bin of BINS) figures.set(bin, { migrate: [], restart: [], list: [], detail: [], collections: [] });

console.log(
  `inventory-scale reads on ${DATA_DIR}: ${ROUNDS} rounds, ${BINS.length} build(s)${COLD ? ', cold page cache at each start' : ''}`,
);
for (let round = 0; round <= ROUNDS; round++) {
  for (const bin of BINS) {
    const f = figures.get(bin) as NonNullable<ReturnType<typeof figures.get>>;
    const sampled = sample();
    if (COLD) dropFromCache();
    const started = performance.now();
    const server = await startServe(bin, DATA_DIR as string);
    let collections = 0;
    try {
      const health = (await getJson(`${server.url}/healthz`)) as { checkpoint?: number };
      // Round 0 is each build's first start on the dir (it may migrate it): reported apart.
      (round === 0 ? f.migrate : f.restart).push(performance.now() - started);
      if (round === 0) continue;
      for (const { collectionId, endpointId } of sampled) {
        f.list.push(
          await timed(() =>
            getJson(`${server.url}/api/collections/${collectionId}/endpoints?page=1&pageSize=50`),
          ),
        );
        f.detail.push(await timed(() => getJson(`${server.url}/api/endpoints/${endpointId}`)));
      }
      for (let i = 0; i < COLLECTION_LISTS; i++) {
        f.collections.push(
          await timed(async () => {
            // The dashboard's request; builds before paging answer every collection (and no total).
            const body = (await getJson(`${server.url}/api/collections?page=1&pageSize=50`)) as {
              collections: unknown[];
              total?: number;
            };
            collections = body.total ?? body.collections.length;
          }),
        );
      }
      if (round === 1) console.log(`  ${bin}: checkpoint ${health.checkpoint}, ${collections} collections`);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }
}
const show = (values: number[], unit: 'ms' | 's') => {
  const scale = unit === 's' ? 1 / 1000 : 1;
  const digits = unit === 's' ? 2 : 1;
  return `median ${(percentile(values, 50) * scale).toFixed(digits)} ${unit}, p99 ${(percentile(values, 99) * scale).toFixed(digits)} ${unit} (n=${values.length})`;
};
for (const [bin, f] of figures) {
  console.log(bin);
  console.log(`  first start (may migrate): ${f.migrate.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s`);
  console.log(`  restart to healthy:        ${show(f.restart, 's')}`);
  console.log(`  endpoint-list page (50):   ${show(f.list, 'ms')}`);
  console.log(`  endpoint detail:           ${show(f.detail, 'ms')}`);
  console.log(`  collection list:           ${show(f.collections, 'ms')}`);
}
console.log('(the machine is shared with other jobs: compare builds measured in the same run)');
