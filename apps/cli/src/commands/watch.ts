import { Exit, type ExitCode } from '../exit-codes';
import { defineCommand } from '../options/declare';
import { CONNECTION, STRICT, TIMEOUT } from '../options/shared';
import { eventLine, worthShowing } from '../render/event-line';
import { stallHint } from '../render/stall-hint';
import { argument, withClient } from './common';
import { exitFor } from './outcome';

/**
 * `fanout watch <id>`: the workflow's events as plain lines, from the start to completion,
 * with those of the child workflows its agents start.
 */
export const command = defineCommand({
  usage: 'watch <id>',
  description:
    "Prints a workflow's events as plain lines, from its start to its completion, with those of the child workflows its agents start; exits as fanout run would.",
  options: { ...STRICT, ...TIMEOUT, ...CONNECTION },
  async run(args) {
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
  },
});
