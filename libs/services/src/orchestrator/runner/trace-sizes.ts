/**
 * Spans one orchestrator has seen opened in each trace, estimated from what it opens
 * itself: a workflow's agent tree joins its parent's trace only while the trace stays small
 * enough for Jaeger to load (it slows past ~10k spans). Bounded: the least recently grown
 * traces are forgotten first.
 */
export class TraceSizes {
  private readonly spans = new Map<string, number>();

  constructor(private readonly maxTraces = 10_000) {}

  add(traceId: string, count: number): void {
    const total = (this.spans.get(traceId) ?? 0) + count;
    // Re-inserting moves the trace to the end: the map's first key is the stalest.
    this.spans.delete(traceId);
    this.spans.set(traceId, total);
    if (this.spans.size > this.maxTraces) this.spans.delete(this.spans.keys().next().value!);
  }

  of(traceId: string): number {
    return this.spans.get(traceId) ?? 0;
  }
}

/**
 * The spans one task attempt puts in its trace besides the orchestrator's own: the
 * `publish` of its envelope, the worker's `process` span, and the `publish` and `process`
 * of its report.
 */
export const SPANS_PER_ATTEMPT = 5;
