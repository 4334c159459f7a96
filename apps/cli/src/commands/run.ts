import { writeFile } from 'node:fs/promises';
import type { FanoutClient } from '@fanout/client';
import type { EventOf } from '@fanout/contracts';
import { Exit, type ExitCode } from '../exit-codes';
import type { Parsed } from '../options/declare';
import type { declaration } from '../options/commands/run';
import { eventLine, worthShowing } from '../render/event-line';
import { printProblems } from '../render/problems';
import { ProgressDisplay } from '../render/progress';
import { stallHint } from '../render/stall-hint';
import { summaryText } from '../render/summary';
import { argument, readUserFile, submission, withServices } from './common';
import { exitFor } from './outcome';

/**
 * `fanout run <file>`: submit, follow, summarise. With `--nats` or `NATS_URL` it uses the
 * services running there; without, it brings its own (an embedded nats-server and every
 * service in this process) and stops them at the end. Progress is a live display on a
 * terminal and plain lines otherwise; `--json` prints exactly one JSON document
 * `{summary, results}` on stdout and nothing else there.
 */
export async function run(args: Parsed<typeof declaration.options>): Promise<ExitCode> {
  const file = argument(args, 'workflow file');
  const text = await readUserFile(file);
  // Checked before anything starts: a typo should not cost a server's boot.
  const { validateWorkflow } = await import('@fanout/workflow');
  const checked = validateWorkflow(text);
  if (!checked.ok) {
    printProblems(file, checked.errors);
    return Exit.usage;
  }
  return withServices(args, (client) => follow(client, text, args));
}

/** Submits the workflow and follows it to its end: the display, the document, the exit code. */
async function follow(
  client: FanoutClient,
  text: string,
  args: Parsed<typeof declaration.options>,
): Promise<ExitCode> {
  const timeoutMs = args.values.timeout;
  const json = args.values.json === true;
  const handle = await client.submit(text, submission(args.values));
  if (!json) process.stdout.write(`submitted ${handle.id}\n`);
  const display =
    !json && process.stdout.isTTY
      ? new ProgressDisplay(process.stdout, await client.load())
      : undefined;
  const results: Record<string, unknown> = {};
  const quiet = stallHint(handle.id);
  let done: EventOf<'WorkflowCompleted'> | undefined;
  try {
    // The run's events and those of every child workflow its agents start: the display
    // shows the tree; the document holds the run's own results.
    for await (const item of handle.tree(timeoutMs ? { timeoutMs } : {})) {
      quiet();
      const { event } = item;
      if (display) display.updateTree(item);
      else if (!json && worthShowing(event)) process.stdout.write(`${eventLine(event)}\n`);
      if (item.depth > 0) continue;
      if (event.type === 'TaskSucceeded') results[event.taskId] = event.result;
      if (event.type === 'WorkflowCompleted') done = event;
      if (event.type === 'WorkflowRejected') {
        process.stderr.write(
          `fanout: the orchestrator refused ${handle.id}: ${eventLine(event)}\n`,
        );
        return Exit.usage;
      }
    }
  } finally {
    await display?.stop();
  }
  if (!done) throw new Error(`the event log of ${handle.id} ended before it completed`);
  const document = {
    summary: { workflowId: handle.id, ...done.synthesis, status: done.status },
    results,
  };
  if (args.values.out) await writeFile(args.values.out, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(
    json
      ? `${JSON.stringify(document)}\n`
      : `\n${summaryText(done, { verbose: args.values.verbose === true })}`,
  );
  return exitFor(done.status, args.values.strict);
}
