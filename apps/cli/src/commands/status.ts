import { Exit, type ExitCode } from '../exit-codes';
import type { Parsed } from '../options/declare';
import type { declaration } from '../options/commands/status';
import { summaryText } from '../render/summary';
import { argument, withClient } from './common';
import { exitFor } from './outcome';
import { servicesStatus } from './services-status';

type Args = Parsed<typeof declaration.options>;

const ENDED = new Set(['TaskSucceeded', 'TaskFailed', 'TaskSkipped', 'TaskCancelled']);

/**
 * `fanout status <id>`: how a workflow stands now, from its log; no waiting. A finished
 * workflow exits as `run` would; a running one exits 0. Without an id: the live services.
 */
export async function run(args: Args): Promise<ExitCode> {
  if (args.positionals.length === 0) return servicesStatus(args);
  const id = argument(args, 'workflow id');
  const log = await withClient(args, (client) => client.workflow(id).history());
  if (log.length === 0) {
    process.stderr.write(
      `fanout: no events for ${id}: unknown, or older than the event retention\n`,
    );
    return Exit.usage;
  }
  const done = log.find((event) => event.type === 'WorkflowCompleted');
  if (done?.type === 'WorkflowCompleted') {
    process.stdout.write(summaryText(done, { verbose: args.values.verbose === true }));
    return exitFor(done.status, args.values.strict);
  }
  const rejected = log.find((event) => event.type === 'WorkflowRejected');
  if (rejected) {
    process.stdout.write(`${id}: rejected\n`);
    return Exit.usage;
  }
  const dispatched = new Set(log.flatMap((e) => (e.type === 'TaskDispatched' ? [e.taskId] : [])));
  const ended = log.filter((event) => ENDED.has(event.type)).length;
  const cancelling = log.some((event) => event.type === 'WorkflowCancelRequested');
  process.stdout.write(
    `${id}: ${cancelling ? 'cancelling' : 'running'}, ${ended} task(s) ended, ${dispatched.size} dispatched\n`,
  );
  return Exit.ok;
}
