import { declareCommand } from '../declare';
import { CONNECTION } from '../shared';

export const declaration = declareCommand({
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
});
