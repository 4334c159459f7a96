import { declareCommand } from '../declare';
import { CONNECTION, SUBMISSION } from '../shared';

export const declaration = declareCommand({
  usage: 'submit <file>',
  description:
    'Submits a workflow to the running services and prints its id, without waiting (follow it with fanout watch <id>).',
  options: { ...SUBMISSION, ...CONNECTION },
});
