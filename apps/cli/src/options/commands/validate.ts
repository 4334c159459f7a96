import { declareCommand } from '../declare';

export const declaration = declareCommand({
  usage: 'validate <file>',
  description:
    'Checks a workflow (YAML or JSON) as the orchestrator would and prints every error with its line and column. Needs no NATS. Exit 0 valid, 2 invalid.',
  options: {},
});
