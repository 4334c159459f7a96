import picomatch from 'picomatch';
import type { ProgramCall } from '../validate/validate';
import type { Category } from './categories';
import { CATEGORY_TABLE, type ProgramKind } from './category-table';

/**
 * The kind of work a command line does, from the programs it runs. Wrappers (`env`,
 * `timeout`, `xargs`) are seen through: `timeout 60 make` is a build. The first kind in
 * {@link CATEGORY_TABLE} that any program of the line belongs to wins.
 */
export function classify(
  calls: readonly ProgramCall[],
  wrappers: ReadonlySet<string> = new Set(),
): Category {
  const real = calls.filter((call) => call.program === undefined || !wrappers.has(call.program));
  for (const [category, kinds] of CATEGORY_TABLE) {
    if (real.some((call) => kinds.some((kind) => fits(kind, call)))) return category;
  }
  return 'system-analysis';
}

const matchers = new Map<string, (name: string) => boolean>();

function fits(kind: ProgramKind, call: ProgramCall): boolean {
  if (call.program === undefined) return false;
  let matcher = matchers.get(kind.program);
  if (!matcher) {
    matcher = picomatch(kind.program);
    matchers.set(kind.program, matcher);
  }
  if (!matcher(call.program)) return false;
  if (!kind.sub) return true;
  const subcommand = call.args.find((arg) => !arg.startsWith('-'));
  return subcommand !== undefined && kind.sub.test(subcommand);
}
