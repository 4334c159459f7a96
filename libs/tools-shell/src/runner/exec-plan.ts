import type { Script } from '../parse/script-model';

/**
 * bash builtins and keywords: a line naming one needs bash itself, even when the builtin
 * also exists as a program (`echo`, `kill`, `test` differ in their options). `true` and
 * `false` are missing from this list on purpose: the programs behave exactly alike.
 */
const NEEDS_BASH = new Set(
  (
    '. : [ alias bg bind break builtin caller cd command compgen complete compopt continue declare dirs disown echo ' +
    'enable eval exec exit export fc fg getopts hash help history jobs kill let local logout mapfile popd printf ' +
    'pushd pwd read readarray readonly return set shift shopt source suspend test times trap type typeset ulimit ' +
    'umask unalias unset wait if then else elif fi case esac for select while until do done in function time coproc'
  ).split(' '),
);

/** A literal word bash passes unchanged: no quotes, globs, tilde, or anything it expands. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * The argv to run a command line with. A line that is one simple command of plain words
 * (`git status --porcelain`, `npm test`) is run directly, without a shell, as make does:
 * bash would only split the words and exec the same program, and skipping it saves a
 * process start per command. Anything else runs as `bash -c <line>`.
 */
export function execPlan(command: string, script: Script | undefined): string[] {
  const direct = script ? literalArgv(script) : undefined;
  return direct ?? ['/bin/bash', '-c', command];
}

function literalArgv(script: Script): string[] | undefined {
  if (script.commands.length !== 1 || script.pipelines.length > 0 || script.functions.length > 0)
    return undefined;
  if (script.substitutions.length > 0 || script.subshells > 0 || script.heredocs > 0)
    return undefined;
  const [command] = script.commands;
  if (!command?.program || command.assignments.length > 0 || command.redirects.length > 0)
    return undefined;
  if (command.placement.background || command.source.trim() !== script.source.trim())
    return undefined;
  const words = [command.program, ...command.args];
  if (
    !words.every(
      (word) => word.value !== undefined && word.value === word.text && PLAIN.test(word.text),
    )
  ) {
    return undefined;
  }
  if (NEEDS_BASH.has(command.program.text) || command.program.text.includes('=')) return undefined;
  return words.map((word) => word.text);
}
