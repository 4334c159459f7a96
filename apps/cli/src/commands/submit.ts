import { Exit } from '../exit-codes';
import { defineCommand } from '../options/declare';
import { CONNECTION, SUBMISSION } from '../options/shared';
import { argument, readUserFile, submission, withClient } from './common';

/** `fanout submit <file>`: validates, submits, prints the workflow id (for `watch`). */
export const command = defineCommand({
  usage: 'submit <file>',
  description:
    'Submits a workflow to the running services and prints its id, without waiting (follow it with fanout watch <id>).',
  options: { ...SUBMISSION, ...CONNECTION },
  async run(args) {
    const text = await readUserFile(argument(args, 'workflow file'));
    const id = await withClient(args, async (client) => {
      const handle = await client.submit(text, submission(args.values));
      return handle.id;
    });
    process.stdout.write(`${id}\n`);
    return Exit.ok;
  },
});
