/** A wake-up that is not lost when it fires while nobody waits. */
export class WakeSignal {
  private pending = false;
  private waiter: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  wake(): void {
    if (this.waiter) this.release();
    else this.pending = true;
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.timer = setTimeout(() => this.release(), ms);
    });
  }

  private release(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    clearTimeout(this.timer);
    waiter?.();
  }
}
