import type { ToolOutputOf } from '@fanout/contracts';
import { ShellError, ShellErrorCode } from '../errors';
import { bwrapArgs } from '../sandbox/bwrap-args';
import { limitPrefix } from './limits';
import { OutputCollector, type OutputChunk } from './output-collector';
import type { RunOptions } from './run-options';
import type { SpawnExit } from './spawner';
import { signalGroup } from './terminate';
import { signalName } from './wait-status';

/** The contract's result, and whether the command's own timeout ended it. */
export type RunResult = ToolOutputOf<'bash.exec'> & { timedOut: boolean };

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
  const ownLimits = options.spawner.appliesLimits;
  const argv = [
    ...(ownLimits ? [] : limitPrefix(options.limits)),
    ...(options.sandbox.kind === 'bubblewrap'
      ? [
          options.sandbox.bwrap,
          ...bwrapArgs({ workspace: options.cwd, network: options.network, home: options.home }),
        ]
      : []),
    ...options.argv,
  ];
  const cgroup = options.cgroups?.create(options.limits.processes);
  const collector = new OutputCollector(options.maxOutputBytes);
  const queue: OutputChunk[] = [];
  let wake: (() => void) | undefined;
  const notify = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const spawned = options.spawner.spawn(
    {
      argv,
      cwd: options.cwd,
      env: options.env,
      cgroupProcs: cgroup?.procs,
      limits: ownLimits ? options.limits : undefined,
    },
    (stream, data) => {
      const chunk = collector.add(stream, data);
      if (chunk) {
        queue.push(chunk);
        notify();
      }
    },
  );
  let exit: SpawnExit | undefined;
  let failure: unknown;
  const ended = spawned.exit.then(
    (value) => void (exit = value),
    (error: unknown) => void (failure = error ?? new Error('spawn failed')),
  );
  void ended.then(notify);

  let timedOut = false;
  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const terminate = () => {
    void spawned.pid.then(
      (pid) => {
        if (exit || failure) return;
        signalGroup(pid, 'SIGTERM', sandboxed);
        killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL', sandboxed), options.killGraceMs);
      },
      () => undefined,
    );
  };
  const timer = setTimeout(() => {
    timedOut = true;
    terminate();
  }, options.timeoutMs);
  const onAbort = () => {
    aborted = true;
    terminate();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  let finished = false;
  try {
    for (;;) {
      for (let chunk = queue.shift(); chunk; chunk = queue.shift()) yield chunk;
      if (exit || failure) break;
      await new Promise<void>((resolve) => {
        if (queue.length > 0 || exit || failure) resolve();
        else wake = resolve;
      });
    }
    for (const chunk of collector.end()) yield chunk;
    finished = true;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    if (!finished && !exit && !failure) {
      // The consumer stopped listening: nothing of the command may go on without it.
      await spawned.pid.then(
        (pid) => signalGroup(pid, 'SIGKILL', sandboxed),
        () => undefined,
      );
      await ended;
    }
    clearTimeout(killTimer);
    cgroup?.dispose();
  }
  if (failure || !exit) throw failure ?? new Error('the command ended without an exit status');
  if (aborted) {
    throw new ShellError(
      ShellErrorCode.Cancelled,
      'the command was cancelled and its process group killed',
      {
        cause: options.signal?.reason,
      },
    );
  }
  let { code, signal } = exit;
  // bubblewrap reports a signal death of the command as exit code 128 + signal.
  if (sandboxed && timedOut && code !== null && code > 128 && signalName(code - 128)) {
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
    timedOut,
  };
}

/** Runs a command to its end without streaming: for callers that want the result only. */
export async function runToEnd(options: RunOptions): Promise<RunResult> {
  const run = runCommand(options);
  for (;;) {
    const step = await run.next();
    if (step.done) return step.value;
  }
}
