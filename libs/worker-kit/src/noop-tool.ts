import type { ToolImplementation } from '@fanout/contracts';
import { sleep } from '@fanout/messaging';

/**
 * The catalogue's `noop` tool: sleeps if asked (stopping at once when aborted), fails on
 * purpose if asked, and echoes. Any worker may host it, to smoke-test a deployment or to
 * benchmark the runtime without a real tool's cost.
 */
export const noopTool: ToolImplementation<'noop'> = async (input, ctx) => {
  const started = performance.now();
  if (input.sleepMs > 0) await sleep(input.sleepMs, ctx.signal);
  if (input.fail === true) {
    throw Object.assign(new Error(`noop failed on purpose in task ${ctx.taskId}`), {
      code: 'NOOP_FAILED',
      retryable: true,
    });
  }
  if (input.fail !== false) throw input.fail;
  return { sleptMs: Math.round(performance.now() - started), echo: input.echo };
};
