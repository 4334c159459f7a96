import type { AgentBudget } from '@fanout/contracts';

/** Tasks kept back from the specialists for the round that checks their evidence. */
const VALIDATION_TASKS = 1;
/** Time kept back for that round and the answer: a fifth of what is left, at most 30 s. */
const VALIDATION_SHARE = 0.2;
const VALIDATION_MAX_MS = 30_000;
/**
 * What a specialist gets of its round's time: a little less than the round has, so that it
 * ends (answering with what it has) before the round's deadline would fail the round.
 */
const SPECIALIST_TIME_SHARE = 0.9;

/** The round that asks the specialists: its own budget and each specialist's share. */
export interface Carved {
  round: AgentBudget;
  each: AgentBudget;
  /** Who is asked: those the tasks suffice for, in the order given. */
  asked: string[];
}

/**
 * Splits what the master was granted among the specialists it asks: the round that asks
 * them gets everything but what checking their evidence needs; in it each specialist task
 * counts one, and the rest is shared out evenly (tasks and concurrency), time whole to each
 * since they run side by side. A budget too small for all of them asks the first ones
 * only: a specialist with no task to spend would be refused anyway.
 */
export function carveBudgets(budget: AgentBudget, specialists: readonly string[]): Carved {
  const tasks = budget.maxTasks;
  const roundTasks = tasks === undefined ? undefined : Math.max(0, tasks - VALIDATION_TASKS);
  // Each specialist needs its own task and at least one for its child.
  const fits = roundTasks === undefined ? specialists.length : Math.floor(roundTasks / 2);
  const asked = specialists.slice(0, Math.max(0, fits));
  const count = Math.max(1, asked.length);
  const time = budget.maxDurationMs;
  const roundTime =
    time === undefined ? undefined : time - Math.min(VALIDATION_MAX_MS, time * VALIDATION_SHARE);
  const round: AgentBudget = {
    ...(roundTasks === undefined ? {} : { maxTasks: roundTasks }),
    ...(roundTime === undefined ? {} : { maxDurationMs: Math.floor(roundTime) }),
    ...(budget.maxConcurrency === undefined ? {} : { maxConcurrency: budget.maxConcurrency }),
  };
  const each: AgentBudget = {
    ...(roundTasks === undefined ? {} : { maxTasks: Math.floor((roundTasks - count) / count) }),
    ...(roundTime === undefined
      ? {}
      : { maxDurationMs: Math.floor(roundTime * SPECIALIST_TIME_SHARE) }),
    ...(budget.maxConcurrency === undefined
      ? {}
      : { maxConcurrency: Math.max(1, Math.floor(budget.maxConcurrency / count)) }),
    ...(budget.maxTokens === undefined ? {} : { maxTokens: Math.floor(budget.maxTokens / count) }),
  };
  return { round, each, asked };
}
