import { declareCommand } from '../declare';
import { CONNECTION } from '../shared';

const OPTIONS = {
  json: {
    type: 'boolean',
    description: 'print one document {at, matrix, instances, queues, decisions} once',
  },
  ...CONNECTION,
} as const;

export const declaration = declareCommand({
  usage: 'resources',
  description:
    "The monitor's view: the allocation matrix, each instance, queue depth per tool and priority with the oldest wait, and its latest decisions. Redrawn every 2 s on a terminal until Ctrl-C; piped, printed once. Exit 3 when no monitor answers.",
  options: OPTIONS,
});
