import { writeFile } from 'node:fs/promises';
import type { EventOf } from '@fanout/contracts';
import type { Args } from '../cli';
import { Exit, type ExitCode } from '../exit-codes';
import { eventLine, worthShowing } from '../render/event-line';
import { stallHint } from '../render/stall-hint';
import { ProgressDisplay } from '../render/progress';
import { summaryText } from '../render/summary';
import { argument, integer, priority, readUserFile, withClient } from './common';
import { exitFor } from './outcome';

/**
 * `fanout run <file>`: submit, follow, summarise. Progress is a live display on a
 * terminal and plain lines otherwise; `--json` prints exactly one JSON document
 * `{summary, results}` on stdout and nothing else there.
 */
export default async function run(args: Args): Promise<ExitCode> {
  const text = await readUserFile(argument(args, 'workflow file'));
  const timeoutMs = integer(args, 'timeout');
  const json = args.values.json === true;
  return withClient(args, async (client) => {
    const handle = await client.submit(text, {
      priority: priority(args),
      ...(args.values.id ? { workflowId: args.values.id } : {}),
    });
    if (!json) process.stdout.write(`submitted ${handle.id}\n`);
    const display = !json && process.stdout.isTTY ? new ProgressDisplay(process.stdout) : undefined;
    const results: Record<string, unknown> = {};
    const quiet = stallHint(handle.id);
    let done: EventOf<'WorkflowCompleted'> | undefined;
    try {
      for await (const event of handle.events(timeoutMs ? { timeoutMs } : {})) {
        quiet();
        if (display) display.update(event);
        else if (!json && worthShowing(event)) process.stdout.write(`${eventLine(event)}\n`);
        if (event.type === 'TaskSucceeded') results[event.taskId] = event.result ?? event.resultRef;
        if (event.type === 'WorkflowCompleted') done = event;
        if (event.type === 'WorkflowRejected') {
          process.stderr.write(
            `fanout: the orchestrator refused ${handle.id}: ${eventLine(event)}\n`,
          );
          return Exit.usage;
        }
      }
    } finally {
      display?.stop();
    }
    if (!done) throw new Error(`the event log of ${handle.id} ended before it completed`);
    const document = {
      summary: { workflowId: handle.id, ...done.synthesis, status: done.status },
      results,
    };
    if (args.values.out) await writeFile(args.values.out, `${JSON.stringify(document, null, 2)}\n`);
    process.stdout.write(json ? `${JSON.stringify(document)}\n` : `\n${summaryText(done)}`);
    return exitFor(done.status, args.values.strict);
  });
}
