import { Exit, type ExitCode } from '../exit-codes';
import type { Parsed } from '../options/declare';
import type { declaration } from '../options/commands/validate';
import { printProblems } from '../render/problems';
import { argument, readUserFile } from './common';

type Args = Parsed<typeof declaration.options>;

/** `fanout validate <file>`: every problem with its location; needs no NATS. */
export async function run(args: Args): Promise<ExitCode> {
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
}
