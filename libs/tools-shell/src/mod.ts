/**
 * The shell tool: `bash.exec` parses a command with tree-sitter-bash, checks it against a
 * policy, queues it by kind of work and named locks, and runs it in a bubblewrap sandbox
 * in its own process group under rlimits and a timeout. Ordering, retries and what a
 * failure stops are the workflow engine's: a workflow of `bash.exec` tasks is a batch.
 * Knows nothing of NATS: a worker, a test or a benchmark calls it the same way.
 */
import type { ToolImplementation } from '@fanout/contracts';
import { createBashExec } from './tool/bash-exec';

export { createBashExec, type BashExecTool } from './tool/bash-exec';
export type { BashExecOptions } from './tool/bash-exec-options';
export { ShellError, ShellErrorCode } from './errors';

export {
  CommandValidator,
  type CheckedCommand,
  type ProgramCall,
  type ValidationRequest,
} from './validate/validate';
export type { Finding, Validation } from './validate/verdict';
export { defaultPolicy, loadPolicy, parsePolicy, DEFAULT_POLICY_PATH } from './policy/load-policy';
export { PolicySchema, Verdict, type Policy } from './policy/policy-schema';

export { classify } from './classify/classify';
export {
  CATEGORIES,
  DEFAULT_CATEGORY_LIMITS,
  DEFAULT_POOL_SLOTS,
  type Category,
} from './classify/categories';
export { CategoryLimiter } from './classify/category-limiter';
export type { CategoryLimiterOptions } from './classify/limiter-options';
export { LockManager } from './locks/lock-manager';

export { runCommand, runToEnd, type RunResult } from './runner/run-command';
export type { RunOptions } from './runner/run-options';
export type { OutputChunk } from './runner/output-collector';
export { DEFAULT_LIMITS, type ResourceLimits } from './runner/limits';
export { execPlan } from './runner/exec-plan';
export type { Spawner, SpawnSpec, SpawnedProcess } from './runner/spawner';
export { LauncherSpawner } from './runner/launcher-spawner';
export { ExecaSpawner } from './runner/execa-spawner';
export { resolveSandbox, type Sandbox } from './sandbox/resolve-sandbox';
export { FamilyCgroups, type FamilyShare } from './sandbox/family-cgroup';
export {
  cgroupHierarchies,
  type CgroupHierarchy,
  type CommandCgroups,
  type CommandGroup,
} from './sandbox/cgroup-fs';
export { SANDBOX_ENV, type SandboxMode } from './sandbox/sandbox-options';
export { shellSettingsFromEnv } from './tool/shell-settings';
export { commandEnv } from './sandbox/environment';

/**
 * The tool by its catalogue name, typed against its contract: what a bash worker
 * registers. Built with every default (shipped policy, `FANOUT_SANDBOX`, 16 slots by kind,
 * the process's shared locks).
 */
export const shellTools: { 'bash.exec': ToolImplementation<'bash.exec'> } = {
  'bash.exec': createBashExec(),
};
