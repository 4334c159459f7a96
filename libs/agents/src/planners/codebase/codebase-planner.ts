import type { Planner, PlanRequest, PlanStep } from '../../planner';
import { rootOf } from '../shared/context';
import { replayStages } from '../shared/staged';
import { absorb } from './absorb';
import { goalWords } from './goal-words';
import { emptyKnowledge, type Knowledge } from './knowledge';
import { answerOf } from './report';
import { documentOf } from './round-documents';
import { nextStage, type Stage } from './stages';

/**
 * The codebase specialist, without a model: it lists the source files by language,
 * searches them for the goal's symbols and terms, builds the import graph, and reads the
 * files that matter most, expanding to their graph neighbours while that turns up new
 * relevant files and the budget lasts. Its answer cites only lines the tools returned.
 *
 * It keeps nothing between calls: every step replays its own earlier decisions over the
 * earlier rounds' results, so a round's plan depends on nothing but the request.
 */
export const codebasePlanner: Planner = {
  async step(request: PlanRequest): Promise<PlanStep> {
    return codebaseStep(request);
  },
};

export function codebaseStep(request: PlanRequest): PlanStep {
  const knowledge = emptyKnowledge(rootOf(request), goalWords(request.goal));
  const decision = replayStages(request, 'codebase', knowledge, { next: nextStage, absorb });
  if (!decision.stage) return { answer: answerOf(knowledge), tokens: 0 };
  return {
    plan: documentOf(decision.stage, knowledge),
    note: noteOf(decision.stage, knowledge),
    last: false,
    tokens: 0,
  };
}

function noteOf(stage: Stage, knowledge: Knowledge): string {
  switch (stage.kind) {
    case 'structure':
      return `list the source files under ${knowledge.root}`;
    case 'survey': {
      const patterns = new Set(stage.greps.flatMap((grep) => grep.patterns)).size;
      const search = `search for ${patterns} pattern(s) from the goal in ${stage.greps.length} part(s)`;
      const graph = stage.graph && `build the import graph of ${stage.graph.join(', ')}`;
      return [stage.greps.length > 0 ? search : undefined, graph].filter(Boolean).join('; ');
    }
    case 'read':
      return `read ${stage.paths.join(', ')}`;
  }
}
