import type { ToolContext } from '@fanout/contracts';
import type { AnyTool } from './worker-options';

/** Where a streaming tool's items go; a `DataProducer` of `@fanout/messaging` fits. */
export interface ItemSink {
  push(...items: unknown[]): Promise<void>;
}

/** How a tool call ended, as far as the worker could wait for it. */
export type ToolRun =
  | { status: 'returned'; value: unknown }
  | { status: 'threw'; error: unknown }
  /** Aborted, and still running `graceMs` later: the worker stops waiting for it. */
  | { status: 'abandoned' };

/**
 * Calls a tool and waits for it. An async generator's items go to the sink (opened as soon
 * as the tool turns out to stream, so a reader gets a final batch even when it yields
 * nothing) as they are yielded, and its return value is the result. The sink's back-pressure reaches the tool: the next item is
 * asked for only once the last was taken. After `ctx.signal` aborts, a tool gets `graceMs`
 * to stop; one that ignores its signal is abandoned, so a slot is never held forever.
 */
export async function runTool(
  tool: AnyTool,
  input: unknown,
  ctx: ToolContext,
  openSink: () => ItemSink,
  graceMs: number,
): Promise<ToolRun> {
  const settled = call(tool, input, ctx, openSink).then(
    (value): ToolRun => ({ status: 'returned', value }),
    (error: unknown): ToolRun => ({ status: 'threw', error }),
  );
  let timer: NodeJS.Timeout | undefined;
  let giveUp = (): void => undefined;
  const abandoned = new Promise<ToolRun>((resolve) => {
    giveUp = () => {
      timer = setTimeout(() => resolve({ status: 'abandoned' }), graceMs);
    };
  });
  if (ctx.signal.aborted) giveUp();
  else ctx.signal.addEventListener('abort', giveUp, { once: true });
  try {
    return await Promise.race([settled, abandoned]);
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', giveUp);
  }
}

async function call(
  tool: AnyTool,
  input: unknown,
  ctx: ToolContext,
  openSink: () => ItemSink,
): Promise<unknown> {
  const output = tool(input as never, ctx);
  if (!isAsyncGenerator(output)) return await output;
  const sink = openSink();
  let done = false;
  try {
    for (;;) {
      let step: IteratorResult<unknown, unknown>;
      try {
        step = await output.next();
      } catch (error) {
        done = true;
        throw error;
      }
      if (step.done) {
        done = true;
        return step.value;
      }
      await sink.push(step.value);
      ctx.signal.throwIfAborted();
    }
  } finally {
    // Stopped early (abort, or the sink failed): let the generator run its finally blocks.
    if (!done) void output.return(undefined).catch(() => undefined);
  }
}

function isAsyncGenerator(value: unknown): value is AsyncGenerator<unknown, unknown, void> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AsyncGenerator)[Symbol.asyncIterator] === 'function' &&
    typeof (value as AsyncGenerator).next === 'function'
  );
}
