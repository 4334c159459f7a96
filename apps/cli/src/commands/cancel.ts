import { Exit } from '../exit-codes';
import { defineCommand } from '../options/declare';
import { CONNECTION } from '../options/shared';
import { argument, withClient } from './common';

/** `fanout cancel <id>`: asks the owner to stop the workflow; `watch` shows it end. */
export const command = defineCommand({
  usage: 'cancel <id>',
  description:
    'Asks the orchestrator to cancel a workflow: running tasks are stopped, the rest skipped. fanout watch <id> shows it end.',
  options: {
    reason: {
      type: 'string',
      value: 'text',
      description: 'why, recorded in the log',
      default: 'cancelled from the command line',
    },
    ...CONNECTION,
  },
  async run(args) {
    const id = argument(args, 'workflow id');
    await withClient(args, (client) => client.workflow(id).cancel(args.values.reason));
    process.stdout.write(`cancel requested for ${id}\n`);
    return Exit.ok;
  },
});
