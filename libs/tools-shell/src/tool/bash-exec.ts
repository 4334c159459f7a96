import {
  BashExec,
  type ToolContext,
  type ToolImplementation,
  type ToolOutputOf,
} from '@fanout/contracts';
import { CategoryLimiter } from '../classify/category-limiter';
import { classify } from '../classify/classify';
import { ShellError, ShellErrorCode } from '../errors';
import { defaultPolicy } from '../policy/load-policy';
import { execPlan } from '../runner/exec-plan';
import { DEFAULT_LIMITS } from '../runner/limits';
import type { OutputChunk } from '../runner/output-collector';
import { runCommand } from '../runner/run-command';
import { DEFAULT_KILL_GRACE_MS, DEFAULT_MAX_OUTPUT_BYTES } from '../runner/run-options';
import { commandEnv } from '../sandbox/environment';
import { resolveSandbox, type Sandbox } from '../sandbox/resolve-sandbox';
import { CommandValidator } from '../validate/validate';
import type { BashExecOptions } from './bash-exec-options';
import type { CommandCgroups } from '../sandbox/cgroup-fs';
import { defaultSpawner, familyCgroups, sharedCgroups, sharedLocks } from './defaults';
import { exitFailure } from './exit-status';
import { shellSettingsFromEnv } from './shell-settings';
import { resolveWorkspace } from './workspace';

/** The `bash.exec` tool, and the limiter it queues in (for load snapshots). */
export type BashExecTool = ToolImplementation<'bash.exec'> & { limiter: CategoryLimiter };

/**
 * Builds the `bash.exec` tool: parse and check the command against the policy (refusing
 * with `DENIED_BY_POLICY` or `NEEDS_APPROVAL` and the reasons), classify it, wait for its
 * locks and a slot of its kind, then run it in the sandbox and stream its output. The
 * checks come before the queue, so a refused command never waits for a slot. A command
 * that ends with an exit code not in `okExitCodes`, or by a signal, fails the call with
 * `EXIT_NONZERO` (`TIMEOUT` when its timeout ended it): a failed command is a failed task.
 */
export function createBashExec(options: BashExecOptions = {}): BashExecTool {
  const policy = options.policy ?? defaultPolicy();
  const wrappers = new Set(Object.keys(policy.wrappers));
  const limiter = options.limiter ?? new CategoryLimiter();
  const locks = options.locks ?? sharedLocks();
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const workerEnv = options.env ?? process.env;
  let validator: Promise<CommandValidator> | undefined;
  let sandbox: Promise<Sandbox> | undefined;
  let groups: { of: CommandCgroups | undefined } | undefined;
  const commandCgroups = (): CommandCgroups | undefined => {
    if (groups) return groups.of;
    const pids = options.pidsCgroups === false ? undefined : sharedCgroups();
    const share = options.family?.();
    groups = { of: share ? familyCgroups(share, pids, options.warn ?? console.warn) : pids };
    return groups.of;
  };

  async function* bashExec(
    input: unknown,
    ctx: ToolContext,
  ): AsyncGenerator<OutputChunk, ToolOutputOf<'bash.exec'>, void> {
    const params = parseParams(input);
    const cwd = resolveWorkspace(params.cwd, options.workspaceRoot);
    const env = commandEnv(params.env, workerEnv);
    validator ??= CommandValidator.create(policy);
    const checked = (await validator).validate({
      command: params.command,
      workspace: cwd,
      home: env['HOME'],
      network: params.network,
      env: params.env,
    });
    if (checked.verdict !== 'allow') {
      const code =
        checked.verdict === 'deny' ? ShellErrorCode.DeniedByPolicy : ShellErrorCode.NeedsApproval;
      const what = checked.verdict === 'deny' ? 'refused' : 'needs approval for';
      throw new ShellError(
        code,
        `bash.exec ${what} \`${params.command}\`: ${checked.reasons.join('; ')}`,
      );
    }
    sandbox ??= resolveSandbox(
      options.sandbox ?? shellSettingsFromEnv(workerEnv).sandbox,
      options.warn,
    );
    const resolved = await sandbox;
    const category = classify(checked.calls, wrappers);
    const releaseLocks = await locks.acquire(params.locks, ctx.signal);
    try {
      const releaseSlot = await limiter.acquire(category, ctx.signal);
      try {
        const run = yield* runCommand({
          argv: execPlan(params.command, checked.script),
          cwd,
          env,
          timeoutMs: params.timeoutMs,
          network: params.network,
          sandbox: resolved,
          limits,
          maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
          killGraceMs: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
          spawner: options.spawner ?? defaultSpawner(),
          cgroups: commandCgroups(),
          category,
          home: env['HOME'],
          signal: ctx.signal,
        });
        const failure = exitFailure(
          params.command,
          run,
          params.okExitCodes,
          params.timeoutMs,
          groups?.of?.memoryLimitBytes,
        );
        if (failure) throw failure;
        const { timedOut: _timedOut, outOfMemory: _outOfMemory, ...result } = run;
        return result;
      } finally {
        releaseSlot();
      }
    } finally {
      releaseLocks();
    }
  }
  return Object.assign(bashExec as ToolImplementation<'bash.exec'>, { limiter });
}

function parseParams(input: unknown) {
  const parsed = BashExec.input.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`)
    .join('; ');
  throw new ShellError(ShellErrorCode.InvalidInput, `invalid input for bash.exec: ${problems}`);
}
