/** A one-line progress bar on a TTY; on anything else, a line every 10 %. */
export class ProgressBar {
  private lastDecile = 0;

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly width = 30,
  ) {}

  update(done: number, label = ''): void {
    const ratio = this.total === 0 ? 1 : done / this.total;
    if (this.stream.isTTY) {
      const filled = Math.round(ratio * this.width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(this.width - filled)}`;
      const text = `\r${bar} ${done}/${this.total} ${label}`.slice(0, (this.stream.columns ?? 100) - 1);
      this.stream.write(`${text}\u001b[K`);
      if (done >= this.total) this.stream.write('\n');
      return;
    }
    const decile = Math.floor(ratio * 10);
    if (decile > this.lastDecile) {
      this.lastDecile = decile;
      this.stream.write(`sent ${done}/${this.total} requests (${decile * 10}%)\n`);
    }
  }
}
