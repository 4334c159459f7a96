import { Exit, type ExitCode } from '../exit-codes';
import type { Parsed } from '../options/declare';
import type { declaration } from '../options/commands/submit';
import { argument, readUserFile, submission, withClient } from './common';

type Args = Parsed<typeof declaration.options>;

/** `fanout submit <file>`: validates, submits, prints the workflow id (for `watch`). */
export async function run(args: Args): Promise<ExitCode> {
  const text = await readUserFile(argument(args, 'workflow file'));
  const id = await withClient(args, async (client) => {
    const handle = await client.submit(text, submission(args.values));
    return handle.id;
  });
  process.stdout.write(`${id}\n`);
  return Exit.ok;
}
