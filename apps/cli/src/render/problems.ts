import type { ValidationError as WorkflowProblem } from '@fanout/workflow';

/** Every problem of a workflow file on stderr, `file:line:column: path: message`, then a count. */
export function printProblems(file: string, problems: ReadonlyArray<WorkflowProblem>): void {
  for (const problem of problems) {
    const where = problem.line === undefined ? '' : `:${problem.line}:${problem.column ?? 1}`;
    const path = problem.path ? ` ${problem.path}:` : '';
    process.stderr.write(`${file}${where}:${path} ${problem.message}\n`);
  }
  process.stderr.write(`${file}: ${problems.length} problem(s); nothing was submitted\n`);
}
