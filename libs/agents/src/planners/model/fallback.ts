import {
  SpecialistAnswer,
  type ChildOutcome,
  type NotDone,
  type WorkflowDocument,
} from '@fanout/contracts';
import { isModelRound } from './model-round';

/**
 * When the model fails, the templates plan the rest. The first template round's plan
 * carries why (phase `model-fallback`, an `agent.aggregate` of the reason, recorded the
 * way a model reply is), so that the answer, rounds later, can still say it.
 */
const FALLBACK_PHASE = 'model-fallback';
const FALLBACK_KEY = `${FALLBACK_PHASE}.why`;

/** A template plan that also records why the model was left. */
export function withFallbackReason(plan: Record<string, unknown>, why: string) {
  const document = plan as WorkflowDocument;
  const record = JSON.stringify(why).replaceAll('$', '\\u0024');
  return {
    ...document,
    phases: [
      ...document.phases,
      {
        id: FALLBACK_PHASE,
        tasks: [{ id: 'why', tool: 'agent.aggregate', input: { lists: [[record]] } }],
      },
    ],
  };
}

/** The tasks a plan asks for (a forEach counted once). */
export function tasksIn(plan: Record<string, unknown>): number {
  return (plan as WorkflowDocument).phases.reduce((sum, phase) => sum + phase.tasks.length, 0);
}

/** Why the model was left, as the rounds recorded it. */
export function fallbackReason(rounds: readonly ChildOutcome[]): string | undefined {
  for (const outcome of rounds) {
    const recorded = outcome.result?.[FALLBACK_KEY] as { items?: { item?: unknown }[] } | undefined;
    const text = recorded?.items?.[0]?.item;
    if (typeof text !== 'string') continue;
    try {
      const why: unknown = JSON.parse(text);
      if (typeof why === 'string') return why;
    } catch {
      // Not a recorded reason: keep looking.
    }
  }
  return undefined;
}

/**
 * The rounds the templates planned, as if they had been the only ones: numbered from 1,
 * without the recorded reason, so a template planner sees its own history only.
 */
export function templateRounds(rounds: readonly ChildOutcome[]): ChildOutcome[] {
  return rounds
    .filter((outcome) => !isModelRound(outcome))
    .map((outcome, index) => {
      const { [FALLBACK_KEY]: _why, ...result } = outcome.result ?? {};
      return {
        ...outcome,
        round: index + 1,
        ...(outcome.result ? { result } : {}),
        synthesis: {
          ...outcome.synthesis,
          phases: outcome.synthesis.phases.filter((phase) => phase.phaseId !== FALLBACK_PHASE),
          tasks: outcome.synthesis.tasks.filter(
            (task) => !task.taskId.startsWith(`${FALLBACK_PHASE}/`),
          ),
        },
      };
    });
}

/** A template answer that also says what the model did not do; other answers as they are. */
export function withNotDone(answer: unknown, notDone: NotDone): unknown {
  const read = SpecialistAnswer.safeParse(answer);
  return read.success ? { ...read.data, notDone: [...read.data.notDone, notDone] } : answer;
}
