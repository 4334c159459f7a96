import type { AskAnswer, ChildOutcome, NotDone, ToolOutputOf } from '@fanout/contracts';
import type { Planner, PlanRequest, PlanStep } from '../../planner';
import { answerText } from './answer-text';
import { carveBudgets } from './carve-budgets';
import { claimsOf, judgeFindings } from './claims';
import { readContext } from './context';
import { gatherAnswers } from './gather';
import { pickSpecialists } from './pick-specialists';
import {
  SPECIALISTS_PHASE,
  specialistsPlan,
  VALIDATE_PHASE,
  VALIDATE_TASK,
  validationPlan,
} from './plans';

/** The specialists round one asked: its agent tasks, as the round's synthesis lists them. */
function askedIn(outcome: ChildOutcome): string[] {
  const prefix = `${SPECIALISTS_PHASE}/`;
  return outcome.synthesis.tasks
    .filter((task) => task.taskId.startsWith(prefix))
    .map((task) => task.taskId.slice(prefix.length));
}

/** Those picked that round one did not ask: the budget had no task for them. */
function leftOut(picked: readonly string[], asked: readonly string[]): NotDone[] {
  return picked
    .filter((name) => !asked.includes(name))
    .map((name) => ({
      what: `ask the ${name} specialist`,
      why: 'the budget had no task left for it (each specialist needs two)',
    }));
}

/** The verdicts of round two, or why there are none. */
function verdictsOf(outcome: ChildOutcome) {
  const result = outcome.result?.[`${VALIDATE_PHASE}.${VALIDATE_TASK}`];
  if (result) return { verdicts: result as ToolOutputOf<'agent.validate'> };
  const error = outcome.synthesis.tasks.find((task) => task.error)?.error;
  return { why: error ? `${error.code} ${error.message}` : `the check ${outcome.status}` };
}

/** The master's answer step: the report of the goal. */
function answer(
  request: PlanRequest,
  picked: readonly string[],
  answers: AskAnswer['specialists'],
  notDone: NotDone[],
  validation: AskAnswer['validation'] = { passed: 0, failed: 0, failures: [] },
): PlanStep {
  const report: AskAnswer = {
    goal: request.goal,
    answer: answerText(answers, validation, picked.length - answers.length),
    specialists: answers,
    validation,
    notDone,
  };
  return { answer: report, tokens: 0 };
}

/**
 * The master: it answers a goal with what the domain specialists find. Round one asks the
 * specialists the goal needs (or those `context.specialists` names) at once, each with its
 * share of the budget; round two checks every line and page they cite with agent.validate;
 * then it answers an {@link AskAnswer}. Findings whose citations do not hold are left out of
 * the specialists' answers and listed under `validation.failures`, so what the report
 * asserts has been checked. A specialist that fails or is not hosted is a `notDone`, and the
 * others answer. Templates only: the same rounds always give the same steps.
 */
export const masterPlanner: Planner = {
  async step(request: PlanRequest): Promise<PlanStep> {
    const context = readContext(request.context);
    const picked = pickSpecialists(request.goal, context.root, context.specialists);
    const [first, second] = request.rounds;

    if (!first) {
      const { round, each, asked } = carveBudgets(request.budget, picked);
      if (asked.length === 0) return answer(request, picked, [], leftOut(picked, asked));
      const { goal } = request;
      const plan = specialistsPlan({ goal, root: context.root, specialists: asked, round, each });
      return { plan, last: false, note: `asking ${asked.join(', ')}`, tokens: 0 };
    }

    const asked = askedIn(first);
    const gathered = gatherAnswers(first, asked);
    const { answers } = gathered;
    const notDone = [...leftOut(picked, asked), ...gathered.notDone];
    const { claims, fetched, unchecked } = claimsOf(answers);

    if (!second) {
      if (claims.length === 0) return answer(request, picked, answers, notDone);
      const root = context.root === undefined ? {} : { root: context.root };
      const plan = validationPlan({ claims, fetched, ...root });
      return { plan, last: false, note: `checking ${claims.length} citation(s)`, tokens: 0 };
    }

    const { verdicts, why } = verdictsOf(second);
    if (!verdicts) {
      const failed = { what: 'check the citations', why: why ?? 'no verdicts came back' };
      return answer(request, picked, answers, [...notDone, failed]);
    }
    const judged = judgeFindings(answers, verdicts);
    if (unchecked > 0) {
      notDone.push({
        what: `check ${unchecked} more citation(s)`,
        why: `one check takes at most ${claims.length}; their findings are reported unchecked`,
      });
    }
    return answer(request, picked, judged.answers, notDone, judged.validation);
  },
};
