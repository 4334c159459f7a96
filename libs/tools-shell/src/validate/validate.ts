import type { Parser } from 'web-tree-sitter';
import { loadBashParser } from '../parse/bash-parser';
import { parseScript } from '../parse/parse-script';
import type { Script } from '../parse/script-model';
import { defaultPolicy } from '../policy/load-policy';
import type { Policy } from '../policy/policy-schema';
import { assignedNames, checkEnvNames } from './check-env';
import { networkUse } from './check-network';
import { checkProgram } from './check-programs';
import { checkSecrets } from './check-secrets';
import { checkDownloadToShell, checkEvaluated, checkForkBomb } from './check-structure';
import { checkWrites } from './check-writes';
import { invocationsOf, type Invocation } from './invocations';
import { argText } from './matchers';
import { combine, finding, type Finding, type Validation } from './verdict';

/** What a command is checked against: where it runs and what the call allows it. */
export interface ValidationRequest {
  command: string;
  /** The working directory: the workspace, where relative paths land and writes are allowed. */
  workspace: string;
  /** The home the command sees (`~`, `$HOME`). */
  home?: string;
  network: boolean;
  /** The call's own environment variables. */
  env?: Record<string, string>;
}

/** A program the line runs, for classification: its name (when literal) and arguments. */
export interface ProgramCall {
  program?: string;
  args: string[];
}

/** The verdict, and what the line was found to be (absent when it did not parse). */
export interface CheckedCommand extends Validation {
  script?: Script;
  calls: ProgramCall[];
}

/** Literal code strings (`bash -c '...'`) are checked in turn, down to this depth. */
const MAX_NESTING = 4;

/**
 * Checks shell command lines against a policy before anything runs: parse with
 * tree-sitter-bash, find every program wherever it sits (pipelines, substitutions,
 * subshells, functions, here-docs, wrappers, literal `bash -c` strings), and hold each
 * against the policy. What cannot be parsed is denied: a guess at what bash will do is
 * not a check. The sandbox stays the last wall; this one gives early, readable refusals.
 */
export class CommandValidator {
  private constructor(
    private readonly parser: Parser,
    readonly policy: Policy,
  ) {}

  /** Loads the parser (compiling its WASM once per process) and binds a policy. */
  static async create(policy: Policy = defaultPolicy()): Promise<CommandValidator> {
    return new CommandValidator(await loadBashParser(), policy);
  }

  validate(request: ValidationRequest): CheckedCommand {
    const calls: ProgramCall[] = [];
    const state: { script?: Script } = {};
    const findings = [
      ...checkEnvNames(Object.keys(request.env ?? {}), 'the call', this.policy),
      ...this.check(request.command, request, 0, calls, state),
    ];
    return { ...combine(findings), script: state.script, calls };
  }

  private check(
    source: string,
    request: ValidationRequest,
    depth: number,
    calls: ProgramCall[],
    state: { script?: Script },
  ): Finding[] {
    if (depth > MAX_NESTING) {
      return [
        {
          verdict: 'deny',
          reason: `code strings nest deeper than ${MAX_NESTING} levels`,
          rule: 'parse',
        },
      ];
    }
    const where = { home: request.home, workspace: request.workspace };
    const outcome = parseScript(this.parser, source, {
      cwd: request.workspace,
      home: request.home,
    });
    if (!outcome.ok) {
      const { line, column, near, why } = outcome.problem;
      const reason = why
        ? `the escape \`${near}\` at line ${line}, column ${column} ${why}: what cannot be read is not run`
        : `cannot be parsed as bash at line ${line}, column ${column} (near \`${near}\`): what cannot be parsed is not run`;
      return [{ verdict: 'deny', reason, rule: 'parse' }];
    }
    const script = outcome.script;
    if (depth === 0) state.script = script;
    const invocations = script.commands.map((command) => invocationsOf(command, this.policy));
    const findings: Finding[] = [...checkForkBomb(script, this.policy)];
    findings.push(
      ...checkDownloadToShell(script, (index) => invocations[index] ?? [], this.policy),
    );
    script.commands.forEach((command, index) => {
      const invs: Invocation[] = invocations[index] ?? [];
      for (const inv of invs) {
        calls.push({ program: inv.name, args: inv.args.map(argText) });
        findings.push(...checkProgram(inv, this.policy));
        const evaluated = checkEvaluated(inv, this.policy);
        findings.push(...evaluated.findings);
        for (const nested of evaluated.nested) {
          const inner = this.check(nested.source, request, depth + 1, calls, state);
          findings.push(
            ...inner.map((f) => ({ ...f, reason: `in ${nested.origin}: ${f.reason}` })),
          );
        }
      }
      findings.push(...checkWrites(command, invs, this.policy, where));
      findings.push(...checkSecrets(command, this.policy, where));
      findings.push(...checkEnvNames(assignedNames(command), `\`${command.source}\``, this.policy));
      if (!request.network) {
        const use = networkUse(command, invs, this.policy);
        if (use) {
          findings.push(
            ...finding(
              this.policy.network.whenOff,
              `${use} uses the network, and this call runs with network off`,
              'network.whenOff',
            ),
          );
        }
      }
    });
    return findings;
  }
}
