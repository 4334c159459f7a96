import type { NotDone, SpecialistAnswer, ToolName } from '@fanout/contracts';
import { AgentError } from '../../errors';
import type { Planner, PlanRequest, PlanStep } from '../../planner';
import type { Chat } from './chat';
import { conversation } from './conversation';
import {
  fallbackReason,
  tasksIn,
  templateRounds,
  withFallbackReason,
  withNotDone,
} from './fallback';
import { findingsIn } from './findings';
import { isModelRound } from './model-round';
import { planCalls } from './plan-calls';
import { seenEvidence } from './seen-evidence';
import { toolFunctions } from './tool-functions';

/** What a model planner is made of. */
export interface ModelPlannerOptions {
  specialist: string;
  /** Plans by templates: what takes over when the model fails. */
  templates: Planner;
  /** The tools the model is offered. */
  tools: readonly ToolName[];
  chat: Chat;
  /** Model rounds before it is told to answer. */
  maxRounds: number;
  /** Characters of a tool's result the model is sent. */
  resultChars: number;
}

/** The failures that mean the model cannot plan (rather than a cancelled call). */
const MODEL_FAILURES = new Set(['MODEL_UNREACHABLE', 'MODEL_REFUSED', 'MODEL_GARBAGE']);

/**
 * A specialist planned by a model: each round the model is shown the conversation so far,
 * rebuilt from the recorded rounds, and offered the specialist's tools; the calls of its
 * reply run at once as the next child, their results go back to it as tool messages the
 * round after, until it answers in text or the budget (tokens, tasks per round, rounds)
 * ends. Each step charges the tokens of its one model call. A model that cannot be reached,
 * refuses the request or replies with garbage hands the rest of the work to the templates,
 * and the answer says so.
 */
export function modelPlanner(options: ModelPlannerOptions): Planner {
  const { specialist, templates } = options;

  const answer = (request: PlanRequest, text: string, notDone: NotDone[]): SpecialistAnswer => {
    const seen = seenEvidence(request.rounds);
    return {
      specialist,
      planner: 'model',
      summary: text,
      findings: findingsIn(text, specialist, seen),
      notDone,
      ...(seen.pages.size > 0 ? { pages: [...seen.pages.values()] } : {}),
    };
  };

  /** The templates plan this round and the rest; the model is not asked again. */
  const byTemplates = async (
    request: PlanRequest,
    why: string,
    signal: AbortSignal,
  ): Promise<PlanStep> => {
    const modelRounds = request.rounds.filter(isModelRound).length;
    const leftOver = templateRounds(request.rounds);
    const step = await templates.step({ ...request, rounds: leftOver }, signal);
    const notDone = {
      what: `planning with the model after round ${modelRounds} (the templates planned the rest)`,
      why,
    };
    if ('answer' in step) return { ...step, answer: withNotDone(step.answer, notDone), note: why };
    const room = (request.budget.maxTasks ?? Number.MAX_SAFE_INTEGER) - tasksIn(step.plan);
    const record = leftOver.length === 0 && !step.last && room >= 1;
    return { ...step, ...(record ? { plan: withFallbackReason(step.plan, why) } : {}), note: why };
  };

  return {
    async step(request, signal) {
      const { rounds } = request;
      if (rounds.some((outcome) => !isModelRound(outcome))) {
        return byTemplates(request, fallbackReason(rounds) ?? 'the model failed', signal);
      }
      const { messages, spent } = conversation({
        ...request,
        specialist,
        resultChars: options.resultChars,
      });
      const lastText = (): string => {
        const last = messages.findLast((message) => message.role === 'assistant');
        return typeof last?.content === 'string' ? last.content : '';
      };
      const { maxTokens } = request.budget;
      if (maxTokens !== undefined && spent >= maxTokens) {
        const why = `the model spent ${spent} of its ${maxTokens} tokens`;
        return {
          answer: answer(request, lastText(), [{ what: 'finishing the investigation', why }]),
          tokens: 0,
        };
      }
      const lastRound = rounds.length >= options.maxRounds;
      if (lastRound) {
        messages.push({
          role: 'user',
          content: 'No more tool calls: answer now with what you found.',
        });
      }
      let reply;
      try {
        reply = await options.chat(
          { messages, tools: lastRound ? [] : toolFunctions(options.tools) },
          signal,
        );
      } catch (error) {
        if (!signal.aborted && error instanceof AgentError && MODEL_FAILURES.has(error.code)) {
          return byTemplates(request, `${error.code}: ${error.message}`, signal);
        }
        throw error;
      }
      const text = reply.content ?? '';
      if (reply.calls.length === 0)
        return { answer: answer(request, text, []), tokens: reply.tokens };
      const maxCalls = (request.budget.maxTasks ?? Number.MAX_SAFE_INTEGER) - 1;
      if (lastRound || maxCalls < 1) {
        const why = lastRound
          ? `the model had its ${options.maxRounds} rounds`
          : 'the task budget per round leaves no room for a call';
        const notDone = [
          { what: `${reply.calls.length} more tool calls the model asked for`, why },
        ];
        return { answer: answer(request, text, notDone), tokens: reply.tokens };
      }
      const root = (request.context as { root?: unknown } | undefined)?.root;
      const { plan } = planCalls(reply, specialist, {
        round: rounds.length + 1,
        offered: options.tools,
        ...(typeof root === 'string' ? { root } : {}),
        maxCalls,
      });
      return { plan, last: false, tokens: reply.tokens };
    },
  };
}
