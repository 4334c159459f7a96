import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../exit-codes';

/** The specialists `--specialists` may name: the domain specialists the master knows. */
export const SPECIALIST_NAMES = ['codebase', 'web', 'ops', 'test'] as const;

/** What the whole ask may take when `--budget` does not say: 500 tasks, 5 minutes. */
export const DEFAULT_BUDGET = { maxTasks: 500, maxDurationMs: 300_000 };

/** The limits `--budget` sets, by the name it takes them under. */
const LIMITS = {
  tasks: { field: 'maxTasks', min: 1, max: 1_000_000 },
  time: { field: 'maxDurationMs', min: 1, max: 86_400_000 },
  concurrency: { field: 'maxConcurrency', min: 1, max: 4_096 },
} as const;

type Limit = keyof typeof LIMITS;
export type AskBudget = { maxTasks: number; maxDurationMs: number; maxConcurrency?: number };

const UNITS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** `300`, `300ms`, `30s`, `5m`, `1h` as milliseconds; undefined when it is none of these. */
function duration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (!match) return undefined;
  const unit = (match[2] ?? 'ms') as keyof typeof UNITS;
  return Math.round(Number(match[1]) * UNITS[unit]);
}

/**
 * `--budget tasks=500,time=5m,concurrency=32`: what the whole ask may take, each limit
 * checked and every mistake named. Limits not given keep {@link DEFAULT_BUDGET}'s.
 */
export function parseBudget(text: string | undefined): AskBudget {
  const budget: AskBudget = { ...DEFAULT_BUDGET };
  if (text === undefined) return budget;
  for (const part of text.split(',')) {
    const [name = '', value = '', extra] = part.split('=').map((piece) => piece.trim());
    const limit = LIMITS[name as Limit];
    if (!limit || extra !== undefined) {
      const known = Object.keys(LIMITS).join(', ');
      throw new UsageError(`--budget: "${part}" is not <limit>=<value> with a limit of ${known}`);
    }
    const number = name === 'time' ? duration(value) : Number(value);
    if (
      number === undefined ||
      !Number.isInteger(number) ||
      number < limit.min ||
      number > limit.max
    ) {
      const unit = name === 'time' ? ' (a duration: 90s, 5m, 1h, or milliseconds)' : '';
      throw new UsageError(
        `--budget: ${name} must be ${limit.min} to ${limit.max}${unit}, got "${value}"`,
      );
    }
    budget[limit.field] = number;
  }
  return budget;
}

/** `--specialists codebase,web`: names checked against those the master knows, kept in order. */
export function parseSpecialists(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(SPECIALIST_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    const what = unknown.length
      ? `unknown specialist(s) ${unknown.map((n) => `"${n}"`).join(', ')}`
      : 'no specialist named';
    throw new UsageError(`--specialists: ${what}; choose among ${SPECIALIST_NAMES.join(', ')}`);
  }
  return [...new Set(names)];
}

/** `--root`: an existing directory, made absolute (cited paths are relative to it); default here. */
export async function parseRoot(text: string | undefined): Promise<string> {
  const root = resolve(text ?? process.cwd());
  const found = await stat(root).catch(() => undefined);
  if (!found?.isDirectory()) throw new UsageError(`--root: ${root} is not a directory`);
  return root;
}

/** The goal: some words, not blank. */
export function parseGoal(text: string | undefined): string {
  const goal = text?.trim() ?? '';
  if (goal.length === 0) throw new UsageError('fanout ask needs a goal: fanout ask "<question>"');
  return goal;
}
