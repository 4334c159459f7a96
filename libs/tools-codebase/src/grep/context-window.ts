/** One match as code.grep reports it (the contract's streamed chunk). */
export interface GrepMatch {
  path: string;
  line: number;
  column: number;
  text: string;
  before?: string[];
  after?: string[];
  patterns?: number[];
}

interface Seen {
  line: number;
  text: string;
}

/**
 * Attaches context lines to matches. rg prints each line once, so a line between two
 * close matches is both the first one's `after` and the second one's `before`; and a
 * match's `after` is known only once the lines that follow it have arrived. So matches
 * wait here until their `after` is complete (or their file ends) and come out in order.
 *
 * rg writes one file's messages together even when it searches in parallel, which is
 * what lets one window serve the whole stream.
 */
export class ContextWindow {
  private path: string | undefined;
  private recent: Seen[] = [];
  private pending: GrepMatch[] = [];

  constructor(private readonly size: number) {}

  /** Matches still waiting for lines after them. */
  get waiting(): number {
    return this.pending.length;
  }

  /** A match line: returns the matches now complete, in order. */
  match(match: GrepMatch): GrepMatch[] {
    if (this.size === 0) return [match];
    const released = this.switchTo(match.path);
    const from = match.line - this.size;
    match.before = this.recent.filter((seen) => seen.line >= from).map((seen) => seen.text);
    match.after = [];
    this.feed(match.line, match.text);
    this.pending.push(match);
    return released.concat(this.release());
  }

  /** A context line (or a match beyond the limit, seen only as context). */
  context(path: string, line: number, text: string): GrepMatch[] {
    if (this.size === 0) return [];
    const released = this.switchTo(path);
    this.feed(line, text);
    return released.concat(this.release());
  }

  /** The current file ended: every waiting match is as complete as it will get. */
  flush(): GrepMatch[] {
    const released = this.pending;
    this.pending = [];
    this.recent = [];
    this.path = undefined;
    return released;
  }

  private switchTo(path: string): GrepMatch[] {
    if (this.path === path) return [];
    const released = this.flush();
    this.path = path;
    return released;
  }

  private feed(line: number, text: string): void {
    for (const match of this.pending) {
      if (line > match.line && line <= match.line + this.size) match.after?.push(text);
    }
    this.recent.push({ line, text });
    if (this.recent.length > this.size) this.recent.shift();
  }

  private release(): GrepMatch[] {
    const last = this.recent[this.recent.length - 1]?.line ?? 0;
    let done = 0;
    while (done < this.pending.length && this.pending[done].line + this.size <= last) done += 1;
    return done === 0 ? [] : this.pending.splice(0, done);
  }
}
