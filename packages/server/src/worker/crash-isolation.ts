import { Stage, type WorkPositionView } from './work-position.js';

/** Deaths on one record before it is set aside. */
export const MAX_ATTEMPTS_PER_RECORD = 2;
/** Each careful level divides batch, commit window and loads per step by this. */
const CAREFUL_FACTOR = 16;
/** At this level every window is one record, so the next death names its record. */
const MAX_CAREFUL_LEVEL = 4;
const FIRST_RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;

export interface WorkSizes {
  batchSize: number;
  commitEvery: number;
  maxLoadsPerStep: number;
}

/**
 * Decides, each time the engine thread dies, how the next thread runs, so that deaths cannot repeat
 * forever on the same records. A death while one known record was in play counts against that record;
 * at `MAX_ATTEMPTS_PER_RECORD` the record is set aside. A death while several records were in play
 * (a commit of many, a large read) makes the next thread work in smaller windows, down to one record,
 * where the next death names its record. So without progress there are at most
 * MAX_CAREFUL_LEVEL + MAX_ATTEMPTS_PER_RECORD deaths before the log moves on.
 */
export class CrashIsolation {
  private readonly attempts = new Map<number, number>();
  private readonly isolate = new Map<number, string>();
  private carefulLevel = 0;
  /** The careful level holds until the checkpoint passes this seq. */
  private carefulUntil = 0;
  private deathsWithoutProgress = 0;
  private checkpoint = 0;

  constructor(private readonly base: WorkSizes) {}

  /** Records a death; returns the seq set aside by it, if any. */
  recordDeath(at: WorkPositionView, cause: string): number | undefined {
    this.deathsWithoutProgress++;
    const exact = at.firstSeq > 0 && at.firstSeq === at.lastSeq && at.stage !== Stage.Idle;
    if (exact) {
      const seq = at.firstSeq;
      const attempts = (this.attempts.get(seq) ?? 0) + 1;
      this.attempts.set(seq, attempts);
      if (attempts >= MAX_ATTEMPTS_PER_RECORD) {
        this.isolate.set(seq, `the engine thread died ${attempts} times on this record (${cause})`);
        return seq;
      }
      return undefined;
    }
    if (at.stage !== Stage.Idle) {
      this.carefulLevel = Math.min(this.carefulLevel + 1, MAX_CAREFUL_LEVEL);
      const until = at.lastSeq > 0 ? at.lastSeq : this.checkpoint + this.sizes().batchSize;
      this.carefulUntil = Math.max(this.carefulUntil, until);
    }
    return undefined;
  }

  /** The committed checkpoint moved: records behind it need no more care. */
  progressed(checkpoint: number): void {
    if (checkpoint > this.checkpoint) this.deathsWithoutProgress = 0;
    this.checkpoint = checkpoint;
    if (checkpoint >= this.carefulUntil) this.carefulLevel = 0;
    for (const seq of this.attempts.keys()) if (seq <= checkpoint) this.attempts.delete(seq);
    for (const seq of this.isolate.keys()) if (seq <= checkpoint) this.isolate.delete(seq);
  }

  /** What the next thread sets aside. */
  isolated(): [number, string][] {
    return [...this.isolate];
  }

  sizes(): WorkSizes {
    const divisor = CAREFUL_FACTOR ** this.carefulLevel;
    return {
      batchSize: Math.max(1, Math.floor(this.base.batchSize / divisor)),
      commitEvery: Math.max(1, Math.floor(this.base.commitEvery / divisor)),
      maxLoadsPerStep: Math.max(1, Math.floor(this.base.maxLoadsPerStep / divisor)),
    };
  }

  /** Backs off while deaths repeat without progress (a fault no record explains). */
  restartDelayMs(): number {
    const doubling = Math.max(0, this.deathsWithoutProgress - 1);
    return Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** Math.min(doubling, 5));
  }
}
