// Progress on stderr for long runs on a terminal: nothing for the first two seconds (most runs
// end before), then one line rewritten in place, cleared at the end. Never in pipes or CI logs.
export class Progress {
  private readonly started = Date.now();
  private shown = false;

  constructor(private readonly out: NodeJS.WriteStream, private readonly total: number) {}

  step(done: number, what: string): void {
    if (!this.out.isTTY || Date.now() - this.started < 2000) return;
    this.shown = true;
    const line = `hvbarrier: checking ${done + 1}/${this.total}: ${what}`;
    this.out.write(`\r\x1b[K${line.slice(0, (this.out.columns || 80) - 1)}`);
  }

  end(): void {
    if (this.shown) this.out.write('\r\x1b[K');
  }
}
