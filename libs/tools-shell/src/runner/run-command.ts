import type { ToolOutputOf } from '@fanout/contracts';
import { ShellError, ShellErrorCode } from '../errors';
import { bwrapArgs } from '../sandbox/bwrap-args';
import { ChunkChannel } from './chunk-channel';
import { GroupTerminator } from './group-terminator';
import { limitPrefix } from './limits';
import { OutputCollector, type OutputChunk } from './output-collector';
import type { RunOptions } from './run-options';
import type { SpawnExit } from './spawner';
import { signalName } from './wait-status';

/**
 * The contract's result, whether the command's own timeout ended it, and whether the
 * kernel's OOM killer killed a process of it at its family's memory limit.
 */
export type RunResult = ToolOutputOf<'bash.exec'> & { timedOut: boolean; outOfMemory: boolean };

/**
 * Runs one command in its own process group, under rlimits and (when it is there) the
 * bubblewrap sandbox, and streams its output as `{stream, at, text}` chunks in the order
 * they were read; returns the result when the process has ended and its output closed.
 *
 * - The timeout sends SIGTERM, then SIGKILL to the whole group `killGraceMs` later.
 * - Aborting `signal` does the same, then throws `CANCELLED` once the group is gone.
 * - When the process exits, whatever it left running in its group is killed; in the
 *   sandbox its PID namespace goes with it, so even a process that left the group dies.
 * - Stopping the generator early kills the group at once.
 *
 * No validation happens here: this is the wall that must hold when validation is wrong.
 */
export async function* runCommand(
  options: RunOptions,
): AsyncGenerator<OutputChunk, RunResult, void> {
  const started = performance.now();
  const sandboxed = options.sandbox.kind === 'bubblewrap';
  const cgroup = options.cgroups?.create({
    maxPids: options.limits.processes,
    category: options.category,
  });
  const collector = new OutputCollector(options.maxOutputBytes);
  const chunks = new ChunkChannel<OutputChunk>();
  const spawned = options.spawner.spawn(
    {
      argv: fullArgv(options),
      cwd: options.cwd,
      env: options.env,
      cgroupProcs: cgroup?.procs,
      limits: options.spawner.appliesLimits ? options.limits : undefined,
    },
    (stream, data) => {
      const chunk = collector.add(stream, data);
      if (chunk) chunks.push(chunk);
    },
  );
  let exit: SpawnExit | undefined;
  let failure: unknown;
  const ended = spawned.exit.then(
    (value) => void (exit = value),
    (error: unknown) => void (failure = error ?? new Error('spawn failed')),
  );
  void ended.then(() => chunks.close());
  const terminator = new GroupTerminator(spawned, {
    timeoutMs: options.timeoutMs,
    killGraceMs: options.killGraceMs,
    sandboxed,
    signal: options.signal,
  });

  let finished = false;
  let outOfMemory = false;
  try {
    yield* chunks;
    yield* collector.end();
    finished = true;
  } finally {
    terminator.dispose();
    if (!finished && !exit && !failure) {
      // The consumer stopped listening: nothing of the command may go on without it.
      await terminator.killNow();
      await ended;
    }
    outOfMemory = cgroup?.outOfMemory() ?? false;
    cgroup?.dispose();
  }
  if (failure || !exit) throw failure ?? new Error('the command ended without an exit status');
  if (terminator.aborted) {
    throw new ShellError(
      ShellErrorCode.Cancelled,
      'the command was cancelled and its process group killed',
      { cause: options.signal?.reason },
    );
  }
  let { code, signal } = exit;
  // bubblewrap reports a signal death of the command as exit code 128 + signal.
  if (sandboxed && terminator.timedOut && code !== null && code > 128 && signalName(code - 128)) {
    signal = signalName(code - 128);
    code = null;
  }
  return {
    exitCode: code,
    signal,
    stdout: collector.text('stdout'),
    stderr: collector.text('stderr'),
    durationMs: Math.round(performance.now() - started),
    truncated: collector.truncated,
    timedOut: terminator.timedOut,
    outOfMemory,
  };
}

/** The argv run: rlimits (unless the spawner sets them), the sandbox, then the command. */
function fullArgv(options: RunOptions): string[] {
  const { sandbox } = options;
  return [
    ...(options.spawner.appliesLimits ? [] : limitPrefix(options.limits)),
    ...(sandbox.kind === 'bubblewrap'
      ? [
          sandbox.bwrap,
          ...bwrapArgs({ workspace: options.cwd, network: options.network, home: options.home }),
        ]
      : []),
    ...options.argv,
  ];
}

/** Runs a command to its end without streaming: for callers that want the result only. */
export async function runToEnd(options: RunOptions): Promise<RunResult> {
  const run = runCommand(options);
  for (;;) {
    const step = await run.next();
    if (step.done) return step.value;
  }
}
