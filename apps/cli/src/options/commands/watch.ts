import { declareCommand } from '../declare';
import { CONNECTION, STRICT, TIMEOUT } from '../shared';

export const declaration = declareCommand({
  usage: 'watch <id>',
  description:
    "Prints a workflow's events as plain lines, from its start to its completion, with those of the child workflows its agents start; exits as fanout run would.",
  options: { ...STRICT, ...TIMEOUT, ...CONNECTION },
});
