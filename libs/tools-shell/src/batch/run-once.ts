import type { ToolImplementation } from '@fanout/contracts';
import type { BatchCommand, CommandResult } from './batch-options';

/** One attempt's end: success is exit code 0; a throw carries whether trying again may help. */
export interface AttemptEnd {
  ok: boolean;
  retryable: boolean;
  result?: CommandResult;
  error?: unknown;
}

/** Runs one attempt of a batch command through the tool, draining its stream. */
export async function runOnce(
  tool: ToolImplementation<'bash.exec'>,
  command: BatchCommand,
  attempt: number,
  signal: AbortSignal,
): Promise<AttemptEnd> {
  try {
    const output = tool(
      {
        command: command.command,
        cwd: command.cwd,
        env: command.env ?? {},
        timeoutMs: command.timeoutMs ?? 60_000,
        locks: command.locks ?? [],
        network: command.network ?? false,
      },
      { signal, workflowId: 'batch', taskId: command.id, attempt },
    );
    let result: CommandResult;
    if (Symbol.asyncIterator in output) {
      for (;;) {
        const step = await output.next();
        if (step.done) {
          result = step.value;
          break;
        }
      }
    } else {
      result = await output;
    }
    // A non-zero exit may be a flaky test or a busy registry: trying again may help.
    return { ok: result.exitCode === 0, retryable: true, result };
  } catch (error) {
    const retryable = (error as { retryable?: unknown }).retryable === true;
    return { ok: false, retryable, error };
  }
}
