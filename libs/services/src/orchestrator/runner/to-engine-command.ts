import type { Command } from '@fanout/contracts';
import type { EngineCommand } from '@fanout/workflow';

/** The task id a `task.call` runs as: `call/<tool with dots as dashes>`. */
export function callTaskName(tool: string): string {
  return tool.replace(/[^A-Za-z0-9_-]/g, '-');
}

/**
 * Translates a command of the bus into what the engine decides on, stamping the time
 * here — the engine itself never reads a clock. A `task.call` becomes a workflow of one
 * task, so a single call gets retries, timeouts and results like any other.
 */
export function toEngineCommand(command: Command, now: number): EngineCommand {
  switch (command.type) {
    case 'workflow.submit':
      return {
        type: 'Submit',
        workflowId: command.workflowId,
        definition: command.workflow,
        priority: command.priority,
        ...(command.parent ? { parent: command.parent } : {}),
        now,
      };
    case 'task.call':
      return {
        type: 'Submit',
        workflowId: command.workflowId,
        definition: {
          name: `call ${command.tool}`,
          phases: [
            {
              id: 'call',
              tasks: [
                {
                  id: callTaskName(command.tool),
                  tool: command.tool,
                  input: command.input,
                  ...(command.timeoutMs ? { timeoutMs: command.timeoutMs } : {}),
                },
              ],
            },
          ],
        },
        priority: command.priority,
        now,
      };
    case 'workflow.cancel':
      return { type: 'Cancel', reason: command.reason, now };
    case 'task.report':
      return {
        type: 'Report',
        taskId: command.taskId,
        attempt: command.attempt,
        worker: command.worker,
        outcome: command.outcome,
        now,
      };
  }
}
