import type { Redirect, SimpleCommand, Word } from '../parse/script-model';
import type { Policy, WriterSpec } from '../policy/policy-schema';
import type { Invocation } from './invocations';
import { argText } from './matchers';
import { expandGlobs, firstMatch, resolvePath, type PathContext } from './paths';
import { finding, type Finding } from './verdict';

const WRITE_OPS = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);

/**
 * Checks every file a command writes — through redirects and through the arguments of
 * programs the policy lists as writers — against the denied and allowed places.
 */
export function checkWrites(
  command: SimpleCommand,
  invocations: Invocation[],
  policy: Policy,
  where: PathContext,
): Finding[] {
  const targets = [
    ...command.redirects.flatMap(({ op, target }) =>
      target && isWrite(op, target)
        ? [{ target, what: `\`${command.source} ${op} ${target.text}\`` }]
        : [],
    ),
    ...invocations.flatMap((invocation) =>
      writtenBy(invocation, policy).map((target) => ({ target, what: `\`${command.source}\`` })),
    ),
  ];
  const deny = expandGlobs(policy.writes.deny, where);
  const allow = expandGlobs(policy.writes.allow, where);
  return targets.flatMap(({ target, what }) => {
    const path = resolvePath(target, command.cwd, where);
    if (path === undefined) {
      return finding(
        policy.writes.computed,
        `${what} writes to \`${target.text}\`, a path computed at run time`,
        'writes.computed',
      );
    }
    const denied = firstMatch(path, deny);
    if (denied) {
      return [
        {
          verdict: 'deny',
          reason: `${what} writes to ${path} (denied: ${denied})`,
          rule: 'writes.deny',
        },
      ];
    }
    if (firstMatch(path, allow)) return [];
    return finding(
      policy.writes.otherwise,
      `${what} writes to ${path}, outside the workspace ${where.workspace} and /tmp`,
      'writes.otherwise',
    );
  });
}

function isWrite(op: Redirect['op'], target: Word): boolean {
  if (WRITE_OPS.has(op)) return true;
  // `>&file` writes a file; `>&2` and `>&-` only duplicate or close descriptors.
  return op === '>&' && !/^(\d+|-)$/.test(argText(target));
}

/** The arguments a writer program writes to, by its spec. */
function writtenBy(invocation: Invocation, policy: Policy): Word[] {
  const spec: WriterSpec | undefined = invocation.name
    ? policy.writers[invocation.name]
    : undefined;
  if (!spec) return [];
  if (typeof spec === 'object') {
    return invocation.args
      .filter((arg) => argText(arg).startsWith(spec.prefix))
      .map((arg) => ({
        text: arg.text.slice(spec.prefix.length),
        value: arg.value?.slice(spec.prefix.length),
        pattern: arg.pattern,
      }));
  }
  const operands = operandsOf(invocation.args);
  if (spec === 'all') return operands;
  if (spec === 'last') return operands.slice(-1);
  return operands.slice(1);
}

/** Arguments that are not options: everything after `--`, and what does not start with `-`. */
export function operandsOf(args: Word[]): Word[] {
  const operands: Word[] = [];
  let optionsEnded = false;
  for (const arg of args) {
    const text = argText(arg);
    if (!optionsEnded && text === '--') optionsEnded = true;
    else if (optionsEnded || !text.startsWith('-') || text === '-') operands.push(arg);
  }
  return operands;
}
