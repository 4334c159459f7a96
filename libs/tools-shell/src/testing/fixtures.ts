import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ToolContext } from '@fanout/contracts';
import { DEFAULT_LIMITS, type ResourceLimits } from '../runner/limits';
import type { OutputChunk } from '../runner/output-collector';
import type { RunOptions } from '../runner/run-options';
import type { Spawner } from '../runner/spawner';
import { commandEnv } from '../sandbox/environment';
import type { Sandbox } from '../sandbox/resolve-sandbox';
import { defaultSpawner, sharedCgroups } from '../tool/defaults';

/** A workspace made for one test; `cleanup` removes it. */
export function tempWorkspace(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'fanout-shell-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A tool context for a direct call; pass a signal to test cancellation. */
export function context(signal: AbortSignal = new AbortController().signal): ToolContext {
  return { signal, workflowId: 'wf-test', taskId: 'phase/task', attempt: 1 };
}

/** Runs a streaming call to its end: the chunks it yielded, and its result. */
export async function drain<C, R>(
  run: AsyncGenerator<C, R, void> | Promise<R>,
): Promise<{ chunks: C[]; result: R }> {
  if (!(Symbol.asyncIterator in run)) return { chunks: [], result: await run };
  const chunks: C[] = [];
  for (;;) {
    const step = await run.next();
    if (step.done) return { chunks, result: step.value };
    chunks.push(step.value);
  }
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; retryable?: boolean }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; retryable?: boolean };
  }
  throw new Error('expected a rejection, got a result');
}

/** Options for `runCommand` that bypass the validator: `bash -c <script>` as it stands. */
export function bashRun(
  script: string,
  cwd: string,
  sandbox: Sandbox,
  more: Partial<Omit<RunOptions, 'limits'>> & {
    limits?: Partial<ResourceLimits>;
    spawner?: Spawner;
  } = {},
): RunOptions {
  const { limits, ...rest } = more;
  return {
    argv: ['/bin/bash', '-c', script],
    cwd,
    env: commandEnv({}),
    timeoutMs: 10_000,
    network: false,
    sandbox,
    limits: { ...DEFAULT_LIMITS, ...limits },
    maxOutputBytes: 1024 * 1024,
    killGraceMs: 500,
    spawner: defaultSpawner(),
    cgroups: sharedCgroups(),
    ...rest,
  };
}

/** Pids of live processes whose environment holds `marker` (`NAME=value`). */
export function processesMarked(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (!env.split('\0').includes(marker)) continue;
      const state = readFileSync(`/proc/${entry}/stat`, 'latin1');
      // A zombie is dead; it waits only for its parent to read its status.
      if (state.slice(state.lastIndexOf(')') + 2, state.lastIndexOf(')') + 3) !== 'Z')
        found.push(Number(entry));
    } catch {
      // Ended while we looked.
    }
  }
  return found;
}

/** Text of the chunks of one stream, in the order they came. */
export function streamText(chunks: OutputChunk[], stream: 'stdout' | 'stderr'): string {
  return chunks
    .filter((chunk) => chunk.stream === stream)
    .map((chunk) => chunk.text)
    .join('');
}
