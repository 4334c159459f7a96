import type { Args } from '../cli';
import { Exit, type ExitCode } from '../exit-codes';
import { eventLine, worthShowing } from '../render/event-line';
import { stallHint } from '../render/stall-hint';
import { argument, integer, withClient } from './common';
import { exitFor } from './outcome';

/**
 * `fanout watch <id>`: the workflow's events as plain lines, from the start to completion,
 * with those of the child workflows its agents start.
 */
export default async function watch(args: Args): Promise<ExitCode> {
  const id = argument(args, 'workflow id');
  const timeoutMs = integer(args, 'timeout');
  return withClient(args, async (client) => {
    let code: ExitCode = Exit.failed;
    const quiet = stallHint(id);
    // The workflow and the child workflows of its agents, each line naming its workflow.
    for await (const { event, depth } of client.workflow(id).tree(timeoutMs ? { timeoutMs } : {})) {
      if (worthShowing(event)) process.stdout.write(`${eventLine(event)}\n`);
      quiet();
      if (depth > 0) continue;
      if (event.type === 'WorkflowCompleted') code = exitFor(event.status, args.values.strict);
      if (event.type === 'WorkflowRejected') code = Exit.usage;
    }
    return code;
  });
}
