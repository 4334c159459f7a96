import { Exit, type ExitCode } from '../exit-codes';
import type { Parsed } from '../options/declare';
import type { declaration } from '../options/commands/watch';
import { eventLine, worthShowing } from '../render/event-line';
import { stallHint } from '../render/stall-hint';
import { argument, withClient } from './common';
import { exitFor } from './outcome';

type Args = Parsed<typeof declaration.options>;

/**
 * `fanout watch <id>`: the workflow's events as plain lines, from the start to completion,
 * with those of the child workflows its agents start.
 */
export async function run(args: Args): Promise<ExitCode> {
  const id = argument(args, 'workflow id');
  const { timeout } = args.values;
  return withClient(args, async (client) => {
    let code: ExitCode = Exit.failed;
    const quiet = stallHint(id);
    // The workflow and the child workflows of its agents, each line naming its workflow.
    for await (const { event, depth } of client
      .workflow(id)
      .tree(timeout ? { timeoutMs: timeout } : {})) {
      if (worthShowing(event)) process.stdout.write(`${eventLine(event)}\n`);
      quiet();
      if (depth > 0) continue;
      if (event.type === 'WorkflowCompleted') code = exitFor(event.status, args.values.strict);
      if (event.type === 'WorkflowRejected') code = Exit.usage;
    }
    return code;
  });
}
