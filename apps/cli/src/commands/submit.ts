import type { Args } from '../cli';
import { Exit, type ExitCode } from '../exit-codes';
import { argument, priority, readUserFile, withClient } from './common';

/** `fanout submit <file>`: validates, submits, prints the workflow id (for `watch`). */
export default async function submit(args: Args): Promise<ExitCode> {
  const text = await readUserFile(argument(args, 'workflow file'));
  const id = await withClient(args, async (client) => {
    const handle = await client.submit(text, {
      priority: priority(args),
      ...(args.values.id ? { workflowId: args.values.id } : {}),
    });
    return handle.id;
  });
  process.stdout.write(`${id}\n`);
  return Exit.ok;
}
