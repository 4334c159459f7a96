import type { Script, SimpleCommand, Word } from '../parse/script-model';
import type { Policy } from '../policy/policy-schema';
import { operandsOf } from './check-writes';
import { describe, type Invocation } from './invocations';
import { argText, programIn } from './matchers';
import { finding, type Finding } from './verdict';

/** A string some part of the command runs as code, to be checked as a script of its own. */
export interface NestedScript {
  source: string;
  /** How it reads in a reason: "the script of `bash -c`". */
  origin: string;
}

/** What the structural checks found, and the literal code strings left to check. */
export interface StructureReport {
  findings: Finding[];
  nested: NestedScript[];
}

/** A function that starts itself in a pipeline or in the background multiplies without end. */
export function checkForkBomb(script: Script, policy: Policy): Finding[] {
  return script.functions.flatMap((fn) => {
    const spawning = fn.selfCalls.some((call) => call.pipeline !== undefined || call.background);
    return spawning
      ? finding(
          policy.structure.forkBomb,
          `function \`${fn.name}\` starts copies of itself in a pipeline or in the background: a fork bomb`,
          'structure.forkBomb',
        )
      : [];
  });
}

/** A download piped into an interpreter runs code nobody has seen. */
export function checkDownloadToShell(
  script: Script,
  invocationsOf: (index: number) => Invocation[],
  policy: Policy,
): Finding[] {
  const { downloaders, interpreters, shells } = policy.structure;
  const found: Finding[] = [];
  for (const stages of script.pipelines) {
    const perStage = stages.map((commands) =>
      commands.flatMap((command) => invocationsOf(script.commands.indexOf(command))),
    );
    const firstDownload = perStage.findIndex((invs) =>
      invs.some((inv) => programIn(inv.name, downloaders)),
    );
    perStage.forEach((invs, stage) => {
      if (stage === 0) return;
      for (const inv of invs) {
        if (!programIn(inv.name, interpreters) || !readsStdin(inv, shells)) continue;
        if (firstDownload !== -1 && firstDownload < stage) {
          found.push(
            ...finding(
              policy.structure.downloadToShell,
              `${describe(inv)} runs what a download piped into it: code nobody has seen`,
              'structure.downloadToShell',
            ),
          );
        } else if (programIn(inv.name, shells)) {
          found.push(
            ...finding(
              policy.structure.pipeToShell,
              `${describe(inv)} reads its script from a pipe, so what it runs cannot be checked`,
              'structure.pipeToShell',
            ),
          );
        }
      }
    });
  }
  const downloads = (command: SimpleCommand) =>
    invocationsOf(script.commands.indexOf(command)).some((inv) => programIn(inv.name, downloaders));
  // `bash <(curl …)`: the words that are a process substitution with a download inside.
  const downloaded = new Set(
    script.substitutions
      .filter((sub) => sub.kind === 'process' && sub.commands.some(downloads))
      .map((sub) => sub.text),
  );
  for (let index = 0; index < script.commands.length; index++) {
    for (const inv of invocationsOf(index)) {
      const sourcing =
        programIn(inv.name, interpreters) || inv.name === 'source' || inv.name === '.';
      const fed = inv.args.find((arg) => downloaded.has(arg.text));
      if (sourcing && fed) {
        found.push(
          ...finding(
            policy.structure.downloadToShell,
            `${describe(inv)} runs a download (\`${fed.text}\`): code nobody has seen`,
            'structure.downloadToShell',
          ),
        );
      }
    }
  }
  return found;
}

/** An interpreter with no script operand and no `-c` reads its program from stdin. */
function readsStdin(inv: Invocation, shells: readonly string[]): boolean {
  if (programIn(inv.name, shells) && scriptOfDashC(inv) !== null) return false;
  const [first] = operandsOf(inv.args);
  return first === undefined || argText(first) === '-';
}

/** `bash -c 'x'`, `sh -ec 'x'`: the word after an option cluster holding `c`; null when none. */
function scriptOfDashC(inv: Invocation): Word | undefined | null {
  const index = inv.args.findIndex((arg) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(argText(arg)));
  return index === -1 ? null : inv.args[index + 1];
}

/**
 * Strings run as code — `eval`, `bash -c`, `trap`, a wrapper's command string, a
 * here-doc fed to a shell. A literal one is returned to be checked like the command
 * itself; a computed one is refused, since nobody can say what it will be.
 */
export function checkEvaluated(inv: Invocation, policy: Policy): StructureReport {
  const report: StructureReport = { findings: [], nested: [] };
  const take = (word: Word | undefined, origin: string) => {
    if (!word) return;
    if (word.value === undefined) {
      report.findings.push(
        ...finding(
          policy.structure.computedEval,
          `${describe(inv)} runs ${origin} computed at run time (\`${word.text}\`), which cannot be checked`,
          'structure.computedEval',
        ),
      );
    } else {
      report.nested.push({ source: word.value, origin: `${origin} of ${describe(inv)}` });
    }
  };
  if (inv.name === 'eval') {
    const computed = inv.args.find((arg) => arg.value === undefined);
    take(
      computed ?? {
        text: inv.args.map((a) => a.text).join(' '),
        value: inv.args.map((a) => a.value).join(' '),
        pattern: false,
      },
      'a string',
    );
  } else if (inv.name === 'trap') {
    const code = inv.args[0];
    if (code && !/^-/.test(argText(code))) take(code, 'a trap handler');
  } else if (programIn(inv.name, policy.structure.shells)) {
    const dashC = scriptOfDashC(inv);
    if (dashC !== null) take(dashC, 'a script');
    else if (operandsOf(inv.args).length === 0) {
      for (const redirect of inv.command.redirects) {
        if (
          redirect.body &&
          (redirect.op === '<<' || redirect.op === '<<-' || redirect.op === '<<<')
        ) {
          take(redirect.body, 'a here-document script');
        }
      }
    }
  } else if (
    (inv.name === 'source' || inv.name === '.') &&
    inv.args[0]?.value === undefined &&
    inv.args[0]
  ) {
    report.findings.push(
      ...finding(
        policy.structure.computedProgram,
        `${describe(inv)} sources a file whose name is computed at run time`,
        'structure.computedProgram',
      ),
    );
  }
  for (const script of inv.scripts) take(script, 'a command string');
  return report;
}
