import type { Args } from '../cli';
import { Exit, type ExitCode } from '../exit-codes';
import { argument, withClient } from './common';

/** `fanout cancel <id>`: asks the owner to stop the workflow; `watch` shows it end. */
export default async function cancel(args: Args): Promise<ExitCode> {
  const id = argument(args, 'workflow id');
  await withClient(args, (client) =>
    client.workflow(id).cancel(args.values.reason ?? 'cancelled from the command line'),
  );
  process.stdout.write(`cancel requested for ${id}\n`);
  return Exit.ok;
}
