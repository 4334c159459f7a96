import { z } from 'zod';
import { FanoutError } from '../errors';
import { TaskId, WorkflowId } from '../ids';
import { PayloadRef } from '../payload-ref';
import { named } from '../registry';
import { OutcomeStatus, Usage, WorkflowSynthesis } from '../synthesis';
import { defineTool } from './define-tool';

/**
 * A workflow document as a planner writes it: the engine fills in the budget the agent was
 * granted where the document sets none, then validates it as a `WorkflowDefinition` (an
 * invalid plan is a refused child, with every problem named).
 */
const WorkflowDocumentShape = z.record(z.string(), z.unknown());

/**
 * What an agent may take for its child workflows, carved from its parent's remaining
 * budget. Absent: as much as the parent has left; `0` means none (a child that needs a
 * task is then refused), never "unlimited".
 */
export const AgentBudget = z.strictObject({
  maxTasks: z.number().int().nonnegative().optional(),
  maxDurationMs: z.number().int().nonnegative().optional(),
  maxConcurrency: z.number().int().nonnegative().optional(),
  maxDepth: z.number().int().min(0).max(3).optional(),
  maxTokens: z.number().int().nonnegative().optional(),
});

/** How one round's child workflow ended, as the planner of the next round sees it. */
export const ChildOutcome = named(
  'ChildOutcome',
  "One round of an agent: its child workflow, how it ended, and the results of the child's final tasks.",
  z.object({
    round: z.number().int().min(1),
    childWorkflowId: WorkflowId,
    status: OutcomeStatus,
    synthesis: WorkflowSynthesis,
    result: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        'The results of the tasks nothing else in the child depended on, by "<phase>.<task>" (a forEach: the list of its copies\' results).',
      ),
    resultRef: PayloadRef.optional().describe(
      'Where `result` is, when it was too large to travel inline.',
    ),
    usage: Usage,
    error: FanoutError.optional().describe(
      'Why it failed when none of its tasks says (it was rejected).',
    ),
  }),
);

export const AgentRun = defineTool({
  name: 'agent.run',
  description:
    'a specialist turns a goal into child workflows of more tool calls, round after round, and answers',
  input: z.strictObject({
    specialist: z
      .string()
      .min(1)
      .describe(
        'Who plans: a specialist the agent worker hosts, or "plan" to run `plan` as given.',
      ),
    goal: z.string().min(1),
    plan: WorkflowDocumentShape.optional().describe(
      'For specialist "plan": the child workflow to run, as a workflow document.',
    ),
    context: z.unknown().optional().describe('Anything the planner should know besides the goal.'),
    budget: AgentBudget.default({}).describe(
      "Asked for; the engine carves it from the parent's remaining budget (never more than it has left) before the agent sees it.",
    ),
    onParentEnd: z
      .enum(['cancel', 'abandon'])
      .default('cancel')
      .describe(
        'What becomes of the child when this workflow ends first: cancelled, or left to finish.',
      ),
    rounds: z
      .array(ChildOutcome)
      .default([])
      .describe('Filled in by the engine: what the children of the earlier rounds did.'),
  }),
  output: z
    .union([
      z.strictObject({
        plan: WorkflowDocumentShape.describe(
          'Run this workflow document as the child of the next round; its budget, where it says none, is what the agent was granted.',
        ),
        last: z
          .boolean()
          .default(false)
          .describe(
            "The last round: the child's result is the answer, and the agent is not asked again.",
          ),
        note: z.string().optional(),
        tokens: z.number().int().nonnegative().default(0).describe('Model tokens this step spent.'),
      }),
      z.strictObject({
        answer: z.unknown().describe('The agent is done: this is its answer.'),
        note: z.string().optional(),
        tokens: z.number().int().nonnegative().default(0).describe('Model tokens this step spent.'),
      }),
    ])
    .describe('A step of the agent: a plan to run as a child workflow, or its answer.'),
});

/** What a finished `agent.run` task's result is (what references and forEach see). */
export const AgentResult = named(
  'AgentResult',
  'The result of an agent.run task: its answer and what every round of children did.',
  z.object({
    answer: z.unknown(),
    rounds: z.array(ChildOutcome),
    usage: Usage,
  }),
);

/**
 * Where a child workflow hangs in its tree: the agent.run task (and its attempt and
 * round) that planned it, and how deep it is (the root is 0, a child of it 1, at most 3).
 */
export const ParentLink = named(
  'ParentLink',
  'The agent.run task a child workflow belongs to, and the depth of the child.',
  z.object({
    workflowId: WorkflowId,
    taskId: TaskId,
    attempt: z.number().int().min(1),
    round: z.number().int().min(1),
    depth: z.number().int().min(1).max(3),
  }),
);

/** Why a child workflow was not started. */
export const ChildRefusal = z.enum(['depth', 'budget', 'plan']);

export type ChildOutcome = z.infer<typeof ChildOutcome>;
export type AgentResult = z.infer<typeof AgentResult>;
export type AgentBudget = z.infer<typeof AgentBudget>;
export type ParentLink = z.infer<typeof ParentLink>;

/** A dot path into an item (`path`, `meta.score`); empty for the item itself. */
const ItemPath = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_$-]*(\.[A-Za-z0-9_$-]+)*$/, 'a dot path');

export const AgentAggregate = defineTool({
  name: 'agent.aggregate',
  description:
    'merges lists of results: removes duplicates, ranks what remains and groups it (the result aggregation executor)',
  input: z.strictObject({
    lists: z
      .array(z.array(z.unknown()))
      .describe('The lists to merge, e.g. the results of a forEach.'),
    key: ItemPath.default('').describe(
      'What makes two items the same (a dot path); empty: the whole item.',
    ),
    rankBy: z
      .union([z.literal('count'), ItemPath])
      .optional()
      .describe(
        '"count": items found in more lists first; a dot path: larger numbers first. Unset: first seen first.',
      ),
    groupBy: ItemPath.optional().describe('Also group the items by this dot path.'),
    limit: z.number().int().positive().optional(),
  }),
  output: z.object({
    items: z.array(
      z.object({
        item: z.unknown(),
        count: z.number().int().positive().describe('How many lists held it.'),
        lists: z.array(z.number().int().nonnegative()).describe('Which lists held it, by index.'),
      }),
    ),
    groups: z
      .record(z.string(), z.array(z.number().int().nonnegative()))
      .optional()
      .describe('Group name to the indexes of its items in `items`.'),
    total: z.number().int().nonnegative().describe('Items in all lists, duplicates included.'),
    duplicates: z.number().int().nonnegative(),
  }),
});

const Claim = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('line'),
    path: z.string().min(1).describe('A file under root.'),
    line: z.number().int().positive(),
    text: z.string().optional().describe('Text the line must contain.'),
  }),
  z.strictObject({
    kind: z.literal('url'),
    url: z.string().min(1),
    quote: z.string().optional().describe('Text the fetched page must contain.'),
  }),
  z.strictObject({
    kind: z.literal('exit'),
    command: z.string().optional(),
    exitCode: z.number().int().nullable().describe('The exit code the command reported.'),
  }),
]);

export const AgentValidate = defineTool({
  name: 'agent.validate',
  description:
    'checks claims against evidence: a cited line exists and says what it is said to, a cited URL was fetched (and says it), a command exited 0 (the quality assurance executor)',
  input: z.strictObject({
    root: z.string().optional().describe('Where cited files are; required for "line" claims.'),
    claims: z.array(Claim).max(10_000),
    fetched: z
      .array(z.strictObject({ url: z.string(), text: z.string().optional() }))
      .default([])
      .describe('The pages fetched, with their text: what "url" claims are checked against.'),
  }),
  output: z.object({
    results: z.array(z.object({ claim: Claim, ok: z.boolean(), reason: z.string().optional() })),
    passed: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
  }),
});
