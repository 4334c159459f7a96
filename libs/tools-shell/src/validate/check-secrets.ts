import type { SimpleCommand, Word } from '../parse/script-model';
import type { Policy } from '../policy/policy-schema';
import { expandGlobs, firstMatch, resolvePath, type PathContext } from './paths';
import { finding, type Finding } from './verdict';

/**
 * Refuses a command that names a credential file anywhere — as an argument, a redirect,
 * an assignment — whether or not it reads it: naming `~/.ssh/id_rsa` in a tool call has
 * no purpose this policy serves, and a reader cannot be told from a writer reliably.
 */
export function checkSecrets(
  command: SimpleCommand,
  policy: Policy,
  where: PathContext,
): Finding[] {
  const patterns = expandGlobs(policy.secrets.paths, where);
  const words: Word[] = [
    ...(command.program ? [command.program] : []),
    ...command.args,
    ...command.redirects.flatMap((redirect) => (redirect.target ? [redirect.target] : [])),
    ...command.assignments.flatMap((assignment) => (assignment.value ? [assignment.value] : [])),
  ];
  for (const word of words) {
    const candidates = [resolvePath(word, command.cwd, where), word.value, word.text];
    for (const candidate of candidates) {
      const secret = candidate === undefined ? undefined : firstMatch(candidate, patterns);
      if (secret) {
        return finding(
          policy.secrets.verdict,
          `\`${command.source}\` names \`${word.text}\`, a credential file (${secret})`,
          'secrets',
        );
      }
    }
  }
  return [];
}
