import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ToolContext, ToolInputOf, ToolName, ToolParamsOf } from '@fanout/contracts';
import { TOOLS } from '@fanout/contracts';

/** A file's content, or `{ link }` for a symlink to that target (relative or absolute). */
export type Entry = string | Buffer | { link: string };

/** A directory tree made for one test, removed by `cleanup`. */
export interface TempTree {
  root: string;
  cleanup(): Promise<void>;
}

/** Writes `entries` (path -> content) under a fresh temp directory: tests run on real files. */
export async function tempTree(entries: Record<string, Entry>): Promise<TempTree> {
  const root = await mkdtemp(join(tmpdir(), 'fanout-codebase-'));
  for (const [path, entry] of Object.entries(entries)) {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    if (typeof entry === 'object' && 'link' in entry) await symlink(entry.link, target);
    else await writeFile(target, entry);
  }
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** A tool context for a direct call; pass a signal to test cancellation. */
export function context(signal: AbortSignal = new AbortController().signal): ToolContext {
  return { signal, workflowId: 'wf-test', taskId: 'phase/task', attempt: 1 };
}

/** A tool's input as a caller writes it, with the contract's defaults applied. */
export function params<T extends ToolName>(tool: T, input: ToolInputOf<T>): ToolParamsOf<T> {
  return TOOLS[tool].input.parse(input) as ToolParamsOf<T>;
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection, got a result');
}
