import { SpecialistAnswer, type ChildOutcome, type NotDone } from '@fanout/contracts';
import { SPECIALISTS_PHASE } from './plans';

/** How a specialist task did not answer, from the round's synthesis. */
function whyNot(outcome: ChildOutcome, specialist: string): string {
  const task = outcome.synthesis.tasks.find(
    (entry) => entry.taskId === `${SPECIALISTS_PHASE}/${specialist}`,
  );
  if (!task) return `it did not answer (the round ${outcome.status})`;
  if (!task.error) return `it ended ${task.status} without an answer`;
  return `it ${task.status}: ${task.error.code} ${task.error.message}`;
}

/**
 * The answers of the specialists asked in round one, in the order asked, and what became
 * of those that did not answer: failed, not hosted, cancelled, or answered with something
 * that is not a specialist's answer.
 */
export function gatherAnswers(outcome: ChildOutcome, asked: readonly string[]) {
  const answers: SpecialistAnswer[] = [];
  const notDone: NotDone[] = [];
  for (const specialist of asked) {
    const what = `ask the ${specialist} specialist`;
    const result = outcome.result?.[`${SPECIALISTS_PHASE}.${specialist}`];
    if (result === undefined) {
      notDone.push({ what, why: whyNot(outcome, specialist) });
      continue;
    }
    const parsed = SpecialistAnswer.safeParse((result as { answer?: unknown }).answer);
    if (!parsed.success) {
      const problem = parsed.error.issues[0];
      const where = problem?.path.join('.') || 'answer';
      notDone.push({
        what,
        why: `its answer is not a specialist's answer (${where}: ${problem?.message})`,
      });
      continue;
    }
    answers.push(parsed.data);
  }
  return { answers, notDone };
}
