import type { TaskEnvelope } from '@fanout/contracts';
import type { Terminal } from '../outcomes';
import type { TaskMessage } from '../transport-types';

/** What became of a task message: acked (outcome reported), given back, or terminated. */
export type Disposition = 'acked' | 'returned' | 'terminated';

/** One delivery of a task attempt, as interceptors see it. */
export interface AttemptCall {
  tool: string;
  message: TaskMessage;
  envelope: TaskEnvelope;
}

/** How the delivery ended, and the outcome reported when it was acked. */
export interface AttemptEnd {
  disposition: Disposition;
  outcome?: Terminal;
}

/**
 * Wraps every attempt a worker runs, Temporal-style: do something before, call `next()`
 * for the rest of the chain (and, at its end, the attempt itself), do something with what
 * it returned. Tracing and metrics are interceptors; a host adds its own through
 * `WorkerOptions.interceptors`.
 */
export type AttemptInterceptor = (
  call: AttemptCall,
  next: () => Promise<AttemptEnd>,
) => Promise<AttemptEnd>;

/** Runs `run` inside `interceptors`, the first one outermost. */
export function intercept(
  interceptors: readonly AttemptInterceptor[],
  call: AttemptCall,
  run: () => Promise<AttemptEnd>,
): Promise<AttemptEnd> {
  const step = (index: number): Promise<AttemptEnd> => {
    const interceptor = interceptors[index];
    return interceptor ? interceptor(call, () => step(index + 1)) : run();
  };
  return step(0);
}
