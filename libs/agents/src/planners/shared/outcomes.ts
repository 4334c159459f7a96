import type { ChildOutcome, NotDone } from '@fanout/contracts';
import type { z } from 'zod';

/**
 * A final task's result in a round, checked against the tool's output contract; undefined
 * when the task failed (the engine leaves it out) or its result is not what the tool
 * returns.
 */
export function resultIn<T>(
  round: ChildOutcome,
  phase: string,
  task: string,
  schema: z.ZodType<T>,
): T | undefined {
  const parsed = schema.safeParse(round.result?.[`${phase}.${task}`]);
  return parsed.success ? parsed.data : undefined;
}

/**
 * What a round did not do: its rejection, and every task that did not succeed with how it
 * failed. `describe` names a task (`<phase>/<task>`) in the words of the planner that
 * planned it.
 */
export function failuresIn(round: ChildOutcome, describe: (taskId: string) => string): NotDone[] {
  const failures: NotDone[] = [];
  if (round.error) {
    failures.push({ what: `round ${round.round}`, why: round.error.message });
  }
  for (const task of round.synthesis.tasks) {
    if (task.status === 'succeeded') continue;
    failures.push({
      what: describe(task.taskId),
      why: task.error?.message ?? `the task was ${task.status}`,
    });
  }
  if (round.resultRef && round.result === undefined) {
    failures.push({
      what: `the results of round ${round.round}`,
      why: 'they were stored apart (too large to travel inline) and did not reach the planner',
    });
  }
  return failures;
}

/** A line as evidence quotes it: at most this many characters, a prefix so it still matches. */
const EVIDENCE_CHARS = 300;

export function quotedLine(text: string): string {
  return text.length > EVIDENCE_CHARS ? text.slice(0, EVIDENCE_CHARS) : text;
}

/** Orders strings by their code units: the same on every machine, whatever its locale. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Each thing not done once: a planner that replays its decisions passes over the same
 * skipped stage at every later step, and says so each time.
 */
export function distinctNotDone(items: readonly NotDone[]): NotDone[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${item.what}\n${item.why}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
