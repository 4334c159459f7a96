import type { ToolName, ToolOutputOf, ToolParamsOf } from './catalog';

/**
 * What a tool may know of the task it serves: enough to stop when asked and to say who
 * it is in its logs — and nothing of how tasks travel. Tools know nothing of NATS.
 */
export interface ToolContext {
  /** Aborted on cancellation, on the attempt's deadline, and when the worker drains too long. */
  signal: AbortSignal;
  workflowId: string;
  taskId: string;
  attempt: number;
}

/**
 * A tool is a plain function. It either resolves to its result, or is an async generator
 * that yields partial items as it finds them (streamed to the caller on the data
 * pipeline) and returns the result at the end.
 */
export type ToolFunction<I = unknown, O = unknown, C = unknown> = (
  input: I,
  context: ToolContext,
) => Promise<O> | AsyncGenerator<C, O, void>;

/** The function implementing a catalogued tool, typed from its contract. */
export type ToolImplementation<T extends ToolName> = ToolFunction<ToolParamsOf<T>, ToolOutputOf<T>>;
