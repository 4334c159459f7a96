import { Exit, type ExitCode } from '../exit-codes';
import type { Parsed } from '../options/declare';
import type { declaration } from '../options/commands/cancel';
import { argument, withClient } from './common';

type Args = Parsed<typeof declaration.options>;

/** `fanout cancel <id>`: asks the owner to stop the workflow; `watch` shows it end. */
export async function run(args: Args): Promise<ExitCode> {
  const id = argument(args, 'workflow id');
  await withClient(args, (client) => client.workflow(id).cancel(args.values.reason));
  process.stdout.write(`cancel requested for ${id}\n`);
  return Exit.ok;
}
