/**
 * What the inventory loop is doing, written to memory shared with the thread that supervises it. The
 * memory outlives the engine thread: when the thread dies (out of memory, a native crash), the
 * supervisor reads which records were in play and can isolate the one that killed it.
 */
export const Stage = { Idle: 0, Reading: 1, Loading: 2, Applying: 3, Committing: 4 } as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

const STAGE = 0;
const FIRST = 1;
const LAST = 2;

export interface WorkPositionView {
  stage: Stage;
  /** Seqs of the records in play (0 when unknown); first === last: exactly one record. */
  firstSeq: number;
  lastSeq: number;
}

export class WorkPosition {
  private readonly cells: Float64Array;

  /** `buffer`: shared with the supervisor; without one the position is only kept locally (inline mode). */
  constructor(readonly buffer: SharedArrayBuffer | ArrayBuffer = new ArrayBuffer(3 * 8)) {
    this.cells = new Float64Array(buffer);
  }

  static shared(): WorkPosition {
    return new WorkPosition(new SharedArrayBuffer(3 * 8));
  }

  set(stage: Stage, firstSeq: number, lastSeq: number): void {
    this.cells[FIRST] = firstSeq;
    this.cells[LAST] = lastSeq;
    this.cells[STAGE] = stage;
  }

  read(): WorkPositionView {
    return {
      stage: (this.cells[STAGE] ?? 0) as Stage,
      firstSeq: this.cells[FIRST] ?? 0,
      lastSeq: this.cells[LAST] ?? 0,
    };
  }
}
