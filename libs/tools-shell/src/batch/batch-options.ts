import type { ToolImplementation, ToolOutputOf } from '@fanout/contracts';

/**
 * What a failure does to the rest of the batch, as GNU parallel's `--halt`: `now` kills
 * what runs and starts nothing more; `soon` lets what runs finish and starts nothing
 * more; `never` runs everything that does not depend on the failure.
 */
export type HaltPolicy = 'now' | 'soon' | 'never';

/** One command of a batch. */
export interface BatchCommand {
  /** Unique in the batch; what `dependsOn` names. */
  id: string;
  command: string;
  /** Commands that must succeed before this one starts. */
  dependsOn?: string[];
  /** Named locks: commands sharing one never run at the same time. */
  locks?: string[];
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  network?: boolean;
  /** Extra attempts after a failure (overrides the batch's). */
  retries?: number;
}

export interface BatchOptions {
  /** Commands running at once (default 16). */
  concurrency?: number;
  halt?: HaltPolicy;
  /** Extra attempts per failed command (default 0). */
  retries?: number;
  /** Aborting cancels the batch as `halt: 'now'` would. */
  signal?: AbortSignal;
  /** The tool that runs each command (default: a `bash.exec` with every default). */
  tool?: ToolImplementation<'bash.exec'>;
  /** Told when a command starts and when one of its attempts ends. */
  onEvent?: (event: BatchEvent) => void;
}

export type BatchEvent =
  | { type: 'started'; id: string; attempt: number; at: number }
  | { type: 'ended'; id: string; attempt: number; at: number; ok: boolean };

export type CommandResult = ToolOutputOf<'bash.exec'>;
