import type { SimpleCommand, Word } from '../parse/script-model';
import type { Policy, WrapperSpec } from '../policy/policy-schema';
import { argText, programName } from './matchers';

/** A program about to run with its arguments: a simple command, or what a wrapper in it runs. */
export interface Invocation {
  program: Word;
  name?: string;
  args: Word[];
  command: SimpleCommand;
  /** Wrappers it was found through, outermost first (`env`, `xargs`, `find -exec`). */
  via: string[];
  /** Command strings a wrapper takes as code (`env -S`, `flock -c`): checked as scripts. */
  scripts: Word[];
}

const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);
const MAX_DEPTH = 8;

/**
 * Every program a simple command runs, seen through wrappers: `env X=1 nice xargs rm -rf`
 * runs `env`, `nice`, `xargs` and `rm`, and a rule about `rm` must see the last one.
 */
export function invocationsOf(command: SimpleCommand, policy: Policy): Invocation[] {
  if (!command.program) return [];
  const found: Invocation[] = [];
  let current: Invocation | undefined = {
    program: command.program,
    name: programName(command.program),
    args: command.args,
    command,
    via: [],
    scripts: [],
  };
  for (let depth = 0; current && depth < MAX_DEPTH; depth++) {
    found.push(current);
    found.push(...findExec(current));
    const spec: WrapperSpec | undefined = current.name ? policy.wrappers[current.name] : undefined;
    current = spec ? unwrap(current, spec) : undefined;
  }
  return found;
}

function unwrap(outer: Invocation, spec: WrapperSpec): Invocation | undefined {
  const args = outer.args;
  let index = 0;
  let positionals = spec.positionals;
  for (; index < args.length; index++) {
    const word = args[index];
    if (!word) break;
    const text = argText(word);
    if (text === '--') {
      index += 1;
      break;
    }
    if (spec.scriptOptions.includes(text)) {
      const script = args[index + 1];
      if (script) outer.scripts.push(script);
      return undefined;
    }
    const attachedScript = spec.scriptOptions.find((option) => text.startsWith(`${option}=`));
    if (attachedScript) {
      const skip = attachedScript.length + 1;
      outer.scripts.push({
        text: text.slice(skip),
        value: word.value?.slice(skip),
        pattern: false,
      });
      return undefined;
    }
    if (spec.valueOptions.includes(text)) {
      index += 1;
      continue;
    }
    if (text.startsWith('-') && text !== '-') continue;
    if (spec.skipAssignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) continue;
    if (positionals > 0) {
      positionals -= 1;
      continue;
    }
    break;
  }
  const program = args[index];
  if (!program) return undefined;
  return {
    program,
    name: programName(program),
    args: args.slice(index + 1),
    command: outer.command,
    via: [...outer.via, outer.name ?? outer.program.text],
    scripts: [],
  };
}

/** `find ... -exec prog args ;` runs `prog` once per file. */
function findExec(outer: Invocation): Invocation[] {
  if (outer.name !== 'find') return [];
  const found: Invocation[] = [];
  const args = outer.args;
  const texts = args.map(argText);
  for (let index = 0; index < args.length; index++) {
    if (!FIND_EXEC.has(texts[index] ?? '')) continue;
    const program = args[index + 1];
    if (!program) break;
    let end = index + 2;
    while (end < args.length && !/^(\\?;|\+)$/.test(texts[end] ?? '')) end += 1;
    found.push({
      program,
      name: programName(program),
      args: args.slice(index + 2, end),
      command: outer.command,
      via: [...outer.via, 'find'],
      scripts: [],
    });
    index = end;
  }
  return found;
}

/** How an invocation reads in a reason: `rm -rf /`, with the wrappers it came through. */
export function describe(invocation: Invocation): string {
  const line = [invocation.program, ...invocation.args].map((word) => word.text).join(' ');
  return invocation.via.length > 0
    ? `\`${line}\` (run through ${invocation.via.join(' → ')})`
    : `\`${line}\``;
}
