import { Exit } from '../exit-codes';
import { defineCommand } from '../options/declare';
import { printProblems } from '../render/problems';
import { argument, readUserFile } from './common';

/** `fanout validate <file>`: every problem with its location; needs no NATS. */
export const command = defineCommand({
  usage: 'validate <file>',
  description:
    'Checks a workflow (YAML or JSON) as the orchestrator would and prints every error with its line and column. Needs no NATS. Exit 0 valid, 2 invalid.',
  options: {},
  async run(args) {
    const file = argument(args, 'workflow file');
    const { validateWorkflow } = await import('@fanout/workflow');
    const result = validateWorkflow(await readUserFile(file));
    if (result.ok) {
      const tasks = result.workflow.phases.reduce((sum, phase) => sum + phase.tasks.length, 0);
      const phases = result.workflow.phases.length;
      process.stdout.write(`${file}: valid (${phases} phase(s), ${tasks} task(s))\n`);
      return Exit.ok;
    }
    printProblems(file, result.errors);
    return Exit.usage;
  },
});
