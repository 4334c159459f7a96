import type { Policy, ProgramMatchSpec } from '../policy/policy-schema';
import { describe, type Invocation } from './invocations';
import { argText, programIn, regex } from './matchers';
import { finding, type Finding } from './verdict';

/** Whether an invocation is one a rule speaks of: its program, each pattern matched by some argument. */
export function matches(spec: ProgramMatchSpec, invocation: Invocation): boolean {
  if (!programIn(invocation.name, spec.programs)) return false;
  const args = invocation.args.map(argText);
  if (!spec.args.every((pattern) => args.some((arg) => regex(pattern).test(arg)))) return false;
  return spec.argsText === undefined || regex(spec.argsText).test(args.join(' '));
}

/**
 * The program lists and argument rules: the program named (after wrappers) decides
 * first, then each rule; a program no list names gets the policy's default verdict.
 */
export function checkProgram(invocation: Invocation, policy: Policy): Finding[] {
  const name = invocation.name;
  const what = describe(invocation);
  if (name === undefined) {
    return finding(
      policy.structure.computedProgram,
      `${what}: the program name is computed at run time, so what runs cannot be checked`,
      'structure.computedProgram',
    );
  }
  const found: Finding[] = [];
  for (const [pattern, reason] of Object.entries(policy.programs.deny)) {
    if (programIn(name, [pattern]))
      found.push({
        verdict: 'deny',
        reason: `${what}: ${reason}`,
        rule: `programs.deny.${pattern}`,
      });
  }
  for (const [pattern, reason] of Object.entries(policy.programs.needsApproval)) {
    if (programIn(name, [pattern])) {
      found.push({
        verdict: 'needs-approval',
        reason: `${what}: ${reason}`,
        rule: `programs.needsApproval.${pattern}`,
      });
    }
  }
  for (const rule of policy.rules) {
    if (matches(rule, invocation))
      found.push(...finding(rule.verdict, `${what}: ${rule.reason}`, `rules.${rule.id}`));
  }
  const listed = found.length > 0 || programIn(name, policy.programs.allow);
  if (!listed) {
    found.push(
      ...finding(
        policy.defaultVerdict,
        `${what}: \`${name}\` is not on the policy's list of allowed programs`,
        'defaultVerdict',
      ),
    );
  }
  return found;
}
