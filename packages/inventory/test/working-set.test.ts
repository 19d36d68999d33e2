import type { TrafficRecord } from '@tapline/contracts';
import { InMemoryInventoryRows } from '@tapline/testkit';
import { canonicalRows } from '@tapline/testkit/contracts';
import { describe, expect, it } from 'vitest';
import { InventoryEngine, type InventorySnapshot, type LoggedRecord } from '../src/index.js';
import { logged, record } from './helpers/records.js';

function canonical(s: InventorySnapshot): InventorySnapshot {
  return { checkpoint: s.checkpoint, ...canonicalRows(s) };
}

/** Many hosts, interleaved, with enough static siblings per host to merge into a STRING template. */
function estate(n: number): TrafficRecord[] {
  return Array.from({ length: n }, (_, i) =>
    record({
      path:
        Math.floor(i / 7) % 2 === 0
          ? `/teams/team${Math.floor(i / 14) % 12}/members?page=${i % 4}`
          : `/users/${i}`,
      requestHeaders: { host: `svc${i % 7}.example.com`, 'x-request-id': `r${i}` },
      responsePayload: JSON.stringify({ id: i, email: `u${i}@example.com`, tags: ['a'] }),
      time: 1_795_515_302 + i * 60,
    }),
  );
}

/** What the inventory loop does: plan, load from the store, admit, apply, commit, evict. */
function runOnDemand(
  all: LoggedRecord[],
  rows: InMemoryInventoryRows,
  options: { batch: number; maxLoads: number; budget: number },
): { evicted: number; peakResident: number } {
  let engine = InventoryEngine.resume({}, rows.checkpoint);
  let evicted = 0;
  let peakResident = 0;
  for (let i = 0; i < all.length; ) {
    const batch = all.slice(i, i + options.batch);
    const plan = engine.planLoads(batch, options.maxLoads);
    expect(plan.records).toBeGreaterThan(0);
    engine.admit(rows.load(plan.collectionIds));
    engine.apply(batch.slice(0, plan.records));
    i += plan.records;
    peakResident = Math.max(peakResident, engine.residentCollections);
    rows.commit(engine.takeChanges());
    evicted += engine.evict(options.budget);
    // Now and then the engine restarts from what is committed (what a crash does).
    if (i % 50 === 0) engine = InventoryEngine.resume({}, rows.checkpoint);
  }
  return { evicted, peakResident };
}

describe('working set: load on demand, evict what is committed', () => {
  it('ends with exactly the state of an engine that kept everything in memory', () => {
    const all = logged(estate(400));
    const full = new InventoryEngine();
    full.apply(all);
    full.takeChanges();

    const rows = new InMemoryInventoryRows();
    const run = runOnDemand(all, rows, { batch: 5, maxLoads: 2, budget: 0 });
    expect(run.evicted).toBeGreaterThan(100);
    expect(run.peakResident).toBeLessThanOrEqual(5);
    const expected = canonical(full.snapshot());
    expect(expected.endpoints.map((e) => e.path)).toContain('/teams/STRING/members'); // merges happened
    expect(canonical(rows.snapshot())).toEqual(expected);
  });

  it('replaying from the checkpoint after a restart neither loses nor double-counts', () => {
    const all = logged(estate(120));
    const rows = new InMemoryInventoryRows();
    runOnDemand(all.slice(0, 60), rows, { batch: 10, maxLoads: 100, budget: 0 });
    // A crash after records 61..90 were applied but before they were committed: replay from 60.
    const lost = InventoryEngine.resume({}, rows.checkpoint);
    lost.admit(rows.load(lost.planLoads(all.slice(60, 90), 100).collectionIds));
    lost.apply(all.slice(60, 90));
    runOnDemand(all.slice(40), rows, { batch: 9, maxLoads: 2, budget: 10_000 });
    const calls = [...rows.endpoints.values()].reduce((sum, e) => sum + e.calls, 0);
    expect(calls).toBe(120);
    expect(rows.checkpoint).toBe(120);
  });

  it('keeps within the budget by evicting least recently used collections, never ones just touched', () => {
    const engine = InventoryEngine.resume({}, 0);
    const rows = new InMemoryInventoryRows();
    const all = logged(estate(170));
    for (let i = 0; i < all.length; i += 17) {
      const batch = all.slice(i, i + 17);
      engine.admit(rows.load(engine.planLoads(batch, 100).collectionIds));
      engine.apply(batch);
      expect(engine.evict(0)).toBe(0); // untaken changes: nothing may leave
      rows.commit(engine.takeChanges());
      engine.evict(0);
      // Every collection the batch touched stays until the next batch.
      expect(engine.residentCollections).toBe(7);
    }
    expect(engine.workingSetBytes).toBeGreaterThan(0);
  });

  it('an engine holding a full snapshot never evicts and never asks the store', () => {
    const all = logged(estate(40));
    const engine = new InventoryEngine();
    engine.apply(all);
    engine.takeChanges();
    expect(engine.planLoads(logged(estate(40), 41), 10)).toEqual({ collectionIds: [], records: 40 });
    expect(engine.evict(0)).toBe(0);
  });
});
