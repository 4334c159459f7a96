import { declareCommand } from '../declare';
import { CONNECTION, STRICT } from '../shared';

export const declaration = declareCommand({
  usage: 'status [id]',
  description:
    "How a workflow stands now, from its log, without waiting: a finished one prints its summary and exits as fanout run would, a running one exits 0. Without an id: every live service instance with its pools' busy slots, CPU and memory (exit 1 when there is none).",
  options: {
    verbose: { type: 'boolean', description: 'a finished workflow: every task in a table' },
    ...STRICT,
    ...CONNECTION,
  },
});
