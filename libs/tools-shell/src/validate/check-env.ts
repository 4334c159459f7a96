import type { SimpleCommand } from '../parse/script-model';
import type { Policy } from '../policy/policy-schema';
import { regex } from './matchers';
import type { Finding } from './verdict';

/**
 * Refuses variables that change what runs before the checked command does: `BASH_ENV`
 * makes bash source a file first, `LD_PRELOAD` loads code into every program, an exported
 * `BASH_FUNC_rm%%` replaces `rm`. Checked on the call's `env` and on assignments in the line.
 */
export function checkEnvNames(names: Iterable<string>, where: string, policy: Policy): Finding[] {
  const found: Finding[] = [];
  for (const name of names) {
    const pattern = policy.env.deny.find((source) => regex(source).test(name));
    if (pattern) {
      found.push({
        verdict: 'deny',
        reason: `${where} sets ${name}, which changes what runs before the command (env.deny ${pattern})`,
        rule: 'env.deny',
      });
    }
  }
  return found;
}

/** Names a command assigns: `X=1 cmd`, and `export X=1` / `declare X=1`. */
export function assignedNames(command: SimpleCommand): string[] {
  const names = command.assignments.map((assignment) => assignment.name);
  if (
    command.program &&
    /^(export|declare|typeset|local|readonly)$/.test(command.program.value ?? '')
  ) {
    for (const arg of command.args) {
      const match = /^([A-Za-z_][A-Za-z0-9_%]*)=/.exec(arg.text);
      if (match?.[1]) names.push(match[1]);
    }
  }
  return names;
}
