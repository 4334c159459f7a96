/** Lines worth showing even when they scrolled out of the tail. */
const CAUSE = /\[(FTL|ERR)\]|error|not defined|nats-server: /i;

/**
 * The last lines a server wrote, kept in memory so a failing test can print why the server
 * misbehaved without anyone having to find (or keep) a log file.
 */
export class LogTail {
  readonly #lines: string[] = [];
  readonly #max: number;
  #partial = '';

  constructor(max = 500) {
    this.#max = max;
  }

  /** Feeds raw output; chunks need not end on line boundaries. */
  write(chunk: string): void {
    const parts = (this.#partial + chunk).split('\n');
    this.#partial = parts.pop() ?? '';
    for (const line of parts) this.push(line);
  }

  /** Adds a line of our own, e.g. to mark where a restart happened in the server's history. */
  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.#max) this.#lines.splice(0, this.#lines.length - this.#max);
  }

  /** A copy, so callers can keep it while the server goes on writing. */
  lines(): string[] {
    return this.#partial ? [...this.#lines, this.#partial] : [...this.#lines];
  }

  /**
   * The tail formatted for an error message, preceded by any earlier line that looks like the
   * cause: nats-server prints its whole usage text after a bad flag, burying the one line
   * that matters.
   */
  describe(count = 25): string {
    const lines = this.lines();
    const tail = lines.slice(-count);
    const causes = lines.slice(0, -count).filter((l) => CAUSE.test(l));
    if (!tail.length) return '  (the server wrote nothing)';
    return [...causes, ...(causes.length ? ['  ...'] : []), ...tail]
      .map((l) => `  | ${l}`)
      .join('\n');
  }
}
