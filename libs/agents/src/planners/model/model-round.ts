import type { ChildOutcome } from '@fanout/contracts';
import { decodeTurn, type ModelTurn } from './model-turn';

/**
 * How a model round is kept so that the next round can rebuild the conversation without
 * asking the model again.
 *
 * The next round only sees the child's results (`rounds[].result`), not its plan: the
 * workflow document has a `description` the engine keeps, but it does not come back in
 * `ChildOutcome`, and results alone lack what the model asked (a tool call's arguments,
 * the text beside them, the tokens spent). So the plan carries the reply itself: the task
 * `model.reply` is an `agent.aggregate` of one list holding the encoded reply, which comes
 * back unchanged as that task's result. It runs on the agent worker already there, costs
 * one task a round, and makes every reply recoverable from the recorded rounds; the calls
 * run beside it as `model.call-<n>`, `n` the call's index in the reply.
 */
export const MODEL_PHASE = 'model';
export const REPLY_TASK = 'reply';
export const callTask = (index: number): string => `call-${index}`;

/** A round the model planned (its child has the model phase), rather than the templates. */
export function isModelRound(outcome: ChildOutcome): boolean {
  return outcome.synthesis.phases.some((phase) => phase.phaseId === MODEL_PHASE);
}

/**
 * The reply a model round ran. Should its record be missing (the recording task failed),
 * the calls are rebuilt from the tasks that ran, without their arguments or text.
 */
export function turnOf(outcome: ChildOutcome): ModelTurn {
  const recorded = outcome.result?.[`${MODEL_PHASE}.${REPLY_TASK}`] as
    { items?: { item?: unknown }[] } | undefined;
  const turn = decodeTurn(recorded?.items?.[0]?.item);
  if (turn) return turn;
  const calls = outcome.synthesis.tasks.flatMap((task) => {
    const index = /^model\/call-(\d+)$/.exec(task.taskId)?.[1];
    return index === undefined
      ? []
      : [{ index: Number(index), name: task.tool.replaceAll('.', '_') }];
  });
  const last = Math.max(-1, ...calls.map((call) => call.index));
  return {
    content: null,
    calls: Array.from({ length: last + 1 }, (_, index) => ({
      id: `call_r${outcome.round}_${index}`,
      name: calls.find((call) => call.index === index)?.name ?? 'unknown',
      arguments: '{}',
    })),
    tokens: 0,
  };
}

/** What a call of a model round came to: its tool's result, or the error it ended with. */
export type CallOutcome =
  { tool?: string; result: unknown } | { tool?: string; error: { code: string; message: string } };

/** The outcome of call `index` of a model round whose reply is `turn`. */
export function callOutcome(outcome: ChildOutcome, turn: ModelTurn, index: number): CallOutcome {
  const call = turn.calls[index];
  if (call?.refused) return { error: { code: 'NOT_RUN', message: call.refused } };
  const task = outcome.synthesis.tasks.find(
    (each) => each.taskId === `${MODEL_PHASE}/${callTask(index)}`,
  );
  const key = `${MODEL_PHASE}.${callTask(index)}`;
  const tool = task?.tool;
  if (outcome.result && Object.hasOwn(outcome.result, key)) {
    return { ...(tool ? { tool } : {}), result: outcome.result[key] };
  }
  const error = task?.error ?? {
    code: task ? task.status.toUpperCase() : 'NOT_RUN',
    message: task ? `the call ended ${task.status}` : 'the call did not run',
  };
  return { ...(tool ? { tool } : {}), error: { code: error.code, message: error.message } };
}
