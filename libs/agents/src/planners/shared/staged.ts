import type { ChildOutcome, NotDone } from '@fanout/contracts';
import { AgentError } from '../../errors';
import type { PlanRequest } from '../../planner';

/** A staged planner's choice: the next stage, or none (it answers); `notes` say what was passed over. */
export interface StageDecision<S> {
  stage?: S;
  notes: NotDone[];
}

/** How a staged template planner decides and learns; its knowledge is rebuilt on every call. */
export interface Stages<K extends { notDone: NotDone[] }, S> {
  /** The next stage from what is known and how many tasks are left. */
  next(knowledge: K, tasksLeft: number): StageDecision<S>;
  /** What a round of `stage` taught. */
  absorb(knowledge: K, stage: S, round: ChildOutcome): void;
}

/**
 * Replays a template planner's own decisions over the rounds already run — the same
 * knowledge gives the same stage, whose results the round holds — and returns the next
 * decision. This is how a planner keeps nothing between calls and still never plans a
 * round differently on a replay. A round the replay says was never planned is an error.
 *
 * The request's `budget.maxTasks` is what is left for the next round: the engine has
 * taken off what the earlier rounds used. A replayed round had that and what it and the
 * rounds after it used. (When the parent had less left than that, a replayed round sees
 * more than it had; `absorb` takes what the round ran, so its size is not replayed.)
 */
export function replayStages<K extends { notDone: NotDone[] }, S>(
  request: PlanRequest,
  specialist: string,
  knowledge: K,
  stages: Stages<K, S>,
): StageDecision<S> {
  const left = request.budget.maxTasks ?? Number.POSITIVE_INFINITY;
  let usedSince = request.rounds.reduce((sum, round) => sum + round.usage.tasks, 0);
  for (const round of request.rounds) {
    const decision = stages.next(knowledge, left + usedSince);
    if (!decision.stage) {
      throw new AgentError(
        'ROUNDS_INCONSISTENT',
        `the ${specialist} specialist answered after round ${round.round - 1}, yet round ${round.round} was run`,
      );
    }
    knowledge.notDone.push(...decision.notes);
    stages.absorb(knowledge, decision.stage, round);
    usedSince -= round.usage.tasks;
  }
  const decision = stages.next(knowledge, left);
  knowledge.notDone.push(...decision.notes);
  return decision;
}
