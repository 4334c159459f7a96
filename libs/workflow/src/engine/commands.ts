import type { FanoutError, ParentLink, TaskOutcome, WorkflowDefinition } from '@fanout/contracts';

/**
 * What the engine is asked to decide on. Each carries `now`: the engine never reads a
 * clock, so a decision depends on its inputs alone and replays the same way.
 */
export type EngineCommand =
  | {
      type: 'Submit';
      workflowId: string;
      /** The document as submitted; validated again here so no path skips validation. */
      definition: unknown;
      priority: number;
      /** The agent task this workflow is the child of; its depth is the child's. */
      parent?: ParentLink;
      now: number;
    }
  | {
      type: 'Report';
      taskId: string;
      attempt: number;
      worker: string;
      outcome: TaskOutcome;
      now: number;
    }
  | { type: 'Cancel'; reason: string; now: number }
  /**
   * A command that would start this workflow arrived invalid: a workflow nobody has
   * started yet is rejected, with every problem; one that exists is not touched.
   */
  | { type: 'Reject'; errors: { path: string; message: string }[]; now: number }
  /** A new owner took the workflow over by replay. */
  | { type: 'Resume'; owner: string; now: number }
  /** Time passed: timeouts, retries that are due, barriers that close. */
  | { type: 'Tick'; now: number };

export type { FanoutError, WorkflowDefinition };
