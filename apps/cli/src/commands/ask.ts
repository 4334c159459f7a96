import { writeFile } from 'node:fs/promises';
import type { FanoutClient } from '@fanout/client';
import { AgentResult, AskAnswer, type EventOf, type WorkflowDocument } from '@fanout/contracts';
import {
  parseBudget,
  parseGoal,
  parseRoot,
  parseSpecialists,
  type AskBudget,
} from '../ask/ask-flags';
import { Exit, UsageError, type ExitCode } from '../exit-codes';
import type { Parsed } from '../options/declare';
import type { declaration } from '../options/commands/ask';
import { AgentTree } from '../render/agent-tree';
import { askDocument, askMarkdown, type AskOutcome } from '../render/ask-report';
import { ProgressDisplay } from '../render/progress';
import { stallHint } from '../render/stall-hint';
import { submission, withServices } from './common';
import { exitFor } from './outcome';

/** The one task of an ask's workflow: the master, in phase `ask`. */
const MASTER_TASK = 'ask/master';

/** What `fanout ask` submits: one agent.run of the master, with the whole budget. */
export function askWorkflow(input: {
  goal: string;
  root: string;
  specialists?: string[];
  budget: AskBudget;
}): WorkflowDocument {
  return {
    name: 'ask',
    description: input.goal,
    budget: input.budget,
    phases: [
      {
        id: 'ask',
        tasks: [
          {
            id: 'master',
            tool: 'agent.run',
            // The master plans by templates: a second try would plan the same.
            retry: { attempts: 1 },
            input: {
              specialist: 'master',
              // A `${{` in a goal would be read as a reference to a result: only text here.
              goal: input.goal.replaceAll('${{', '$ {{'),
              context: {
                root: input.root,
                ...(input.specialists ? { specialists: input.specialists } : {}),
              },
            },
          },
        ],
      },
    ],
  };
}

/**
 * `fanout ask "<goal>"`: the master and its specialists answer a question about a tree
 * (`--root`, default here) and the web, every citation checked. Embedded like `fanout run`
 * unless `--nats` or `NATS_URL` names running services. On a terminal it draws the live
 * tree, then prints the report in Markdown; `--json` prints one document instead; `--out`
 * also writes it (the Markdown, or the document with `--json`) to a file. Every flag is
 * checked before anything starts.
 */
export async function run(args: Parsed<typeof declaration.options>): Promise<ExitCode> {
  const [goalText, extra] = args.positionals;
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}" (quote the goal)`);
  const goal = parseGoal(goalText);
  const specialists = parseSpecialists(args.values.specialists);
  const budget = parseBudget(args.values.budget);
  const root = await parseRoot(args.values.root);
  const workflow = askWorkflow({ goal, root, budget, ...(specialists ? { specialists } : {}) });
  return withServices(args, (client) => follow(client, goal, workflow, args));
}

/** Submits the ask and follows its tree to the end: the live view, then the report. */
async function follow(
  client: FanoutClient,
  goal: string,
  workflow: WorkflowDocument,
  args: Parsed<typeof declaration.options>,
): Promise<ExitCode> {
  const json = args.values.json === true;
  const timeoutMs = args.values.timeout;
  const handle = await client.submit(workflow, submission(args.values));
  const display =
    !json && process.stdout.isTTY
      ? new ProgressDisplay(process.stdout, await client.load())
      : undefined;
  const tree = new AgentTree();
  const quiet = stallHint(handle.id);
  let done: EventOf<'WorkflowCompleted'> | undefined;
  let result: unknown;
  try {
    for await (const item of handle.tree(timeoutMs ? { timeoutMs } : {})) {
      quiet();
      display?.updateTree(item);
      tree.add(item);
      if (item.depth > 0) continue;
      const { event } = item;
      if (event.type === 'TaskSucceeded' && event.taskId === MASTER_TASK) result = event.result;
      if (event.type === 'WorkflowCompleted') done = event;
      if (event.type === 'WorkflowRejected') {
        const reasons = event.errors.map((error) => `${error.path}: ${error.message}`);
        process.stderr.write(
          `fanout: the orchestrator refused ${handle.id}: ${reasons.join('; ')}\n`,
        );
        return Exit.usage;
      }
    }
  } finally {
    await display?.stop();
  }
  if (!done) throw new Error(`the event log of ${handle.id} ended before it completed`);
  const outcome = outcomeOf(goal, done, result, tree);
  const text = json ? `${JSON.stringify(askDocument(outcome), null, 2)}\n` : askMarkdown(outcome);
  if (args.values.out) await writeFile(args.values.out, text);
  process.stdout.write(display ? `\n${text}` : text);
  // An ask nobody could answer did not do what was asked, whatever its workflow says.
  if (outcome.report && outcome.report.specialists.length === 0) return Exit.failed;
  return outcome.report ? exitFor(done.status) : Exit.failed;
}

/** How the ask ended: the master's report when it answered, else why not (also fanout_ask's). */
export function outcomeOf(
  goal: string,
  done: EventOf<'WorkflowCompleted'>,
  result: unknown,
  tree: AgentTree,
): AskOutcome {
  const { synthesis } = done;
  const usage = synthesis.usage ?? {
    tasks: synthesis.counts.total,
    toolCalls: 0,
    durationMs: synthesis.durationMs,
    tokens: 0,
  };
  const base = {
    goal,
    workflowId: done.workflowId,
    status: done.status,
    usage,
    tree: tree.toJSON(),
  };
  const answer = AgentResult.safeParse(result);
  const report = answer.success ? AskAnswer.safeParse(answer.data.answer) : undefined;
  if (report?.success) return { ...base, report: report.data };
  const error = synthesis.tasks.find((task) => task.taskId === MASTER_TASK)?.error;
  const failure = error ? `the master failed: ${error.code} ${error.message}` : undefined;
  return { ...base, ...(failure ? { failure } : {}) };
}
