import type { SimpleCommand } from '../parse/script-model';
import type { Policy } from '../policy/policy-schema';
import { matches } from './check-programs';
import { describe, type Invocation } from './invocations';
import { argText, programIn } from './matchers';

/** What in a command reaches the network, described for a reason; `undefined` when nothing does. */
export function networkUse(
  command: SimpleCommand,
  invocations: Invocation[],
  policy: Policy,
): string | undefined {
  for (const invocation of invocations) {
    if (programIn(invocation.name, policy.network.programs)) return describe(invocation);
    if (policy.network.rules.some((rule) => matches(rule, invocation))) return describe(invocation);
  }
  for (const { target } of command.redirects) {
    if (target && /^\/dev\/(tcp|udp)\//.test(argText(target)))
      return `\`${command.source}\` (opens ${argText(target)})`;
  }
  return undefined;
}
