import type { Args } from '../cli';
import { Exit, type ExitCode } from '../exit-codes';
import { argument, readUserFile } from './common';

/** `fanout validate <file>`: every problem with its location; needs no NATS. */
export default async function validate(args: Args): Promise<ExitCode> {
  const file = argument(args, 'workflow file');
  const { validateWorkflow } = await import('@fanout/workflow');
  const result = validateWorkflow(await readUserFile(file));
  if (result.ok) {
    const tasks = result.workflow.phases.reduce((sum, phase) => sum + phase.tasks.length, 0);
    const phases = result.workflow.phases.length;
    process.stdout.write(`${file}: valid (${phases} phase(s), ${tasks} task(s))\n`);
    return Exit.ok;
  }
  for (const error of result.errors) {
    const where = error.line === undefined ? '' : `:${error.line}:${error.column ?? 1}`;
    const path = error.path ? ` ${error.path}:` : '';
    process.stderr.write(`${file}${where}:${path} ${error.message}\n`);
  }
  process.stderr.write(`${file}: ${result.errors.length} problem(s); nothing was submitted\n`);
  return Exit.usage;
}
