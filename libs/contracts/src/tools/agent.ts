import { z } from 'zod';
import { WorkflowId } from '../ids';
import { WorkflowSynthesis } from '../synthesis';
import { defineTool } from './define-tool';

export const AgentRun = defineTool({
  name: 'agent.run',
  description: 'a specialist breaks a goal into a child workflow of more tool calls',
  input: z.strictObject({
    specialist: z.string().min(1),
    goal: z.string().min(1),
    budget: z
      .strictObject({
        maxTasks: z.number().int().positive().optional(),
        maxDurationMs: z.number().int().positive().optional(),
        maxConcurrency: z.number().int().positive().optional(),
        maxDepth: z.number().int().min(0).max(3).optional(),
      })
      .default({})
      .describe("Carved from the parent's remaining budget; never more than it has left."),
  }),
  output: z.object({ childWorkflowId: WorkflowId, synthesis: WorkflowSynthesis }),
});
