import type { StoredResults } from '@fanout/messaging';
import type { PayloadRef } from '@fanout/contracts';

interface Round {
  round?: unknown;
  result?: unknown;
  resultRef?: PayloadRef;
}

/**
 * An `agent.run` input carries the rounds its task ran before; a round whose results the
 * orchestrator stored apart comes with its reference alone (the engine's
 * `roundByReference`). Its results are fetched here, before the input is checked, so the
 * planner sees every round whole. Any other input is returned as it is.
 */
export async function withRoundResults(
  input: unknown,
  stored: Pick<StoredResults, 'get'>,
  where: string,
): Promise<unknown> {
  const rounds = (input as { rounds?: unknown } | null)?.rounds;
  if (!Array.isArray(rounds) || !rounds.some(isByReference)) return input;
  const whole = await Promise.all(
    (rounds as Round[]).map(async (round) =>
      isByReference(round)
        ? {
            ...round,
            result: await stored.get(round.resultRef, `round ${String(round.round)} of ${where}`),
          }
        : round,
    ),
  );
  return { ...(input as object), rounds: whole };
}

function isByReference(round: unknown): round is Round & { resultRef: PayloadRef } {
  const { result, resultRef } = (round ?? {}) as Round;
  return resultRef !== undefined && result === undefined;
}
