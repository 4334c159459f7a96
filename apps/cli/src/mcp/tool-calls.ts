import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FanoutClient } from '@fanout/client';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DEFAULT_BUDGET } from '../ask/ask-flags';
import { askWorkflow, outcomeOf } from '../commands/ask';
import { AgentTree } from '../render/agent-tree';
import { askDocument, askMarkdown } from '../render/ask-report';
import { ArgumentError, inputProblems, parseArguments, problemsOfRefusal } from './arguments';
import { runBatch, type BatchCall, type CallContext } from './batch';
import { fitResult } from './fit-result';
import { followWorkflow } from './follow';
import { AskArguments, BatchArguments, RunArguments } from './meta-tools';
import { resultUri, workflowUri, type RecentWorkflows } from './resources';
import { mcpNameOf, toolOfMcpName, type ExposedTool } from './tool-table';

/** What every call needs besides its arguments. */
export interface Calls {
  client: FanoutClient;
  recent: RecentWorkflows;
  /** The most characters of JSON one answer carries before it is cut to fit. */
  maxResultChars: number;
  /** What `fanout_ask` asks about when it names no root. */
  defaultRoot: string;
}

/** The note and link that go with a result cut to fit. */
function cutNote(uri: string, cutFrom: number, maxChars: number): CallToolResult['content'] {
  return [
    {
      type: 'text',
      text: `The result was ${cutFrom} characters of JSON, cut to fit ${maxChars}; the whole of it is the resource ${uri}.`,
    },
    { type: 'resource_link', uri, name: uri, mimeType: 'application/json' },
  ];
}

/** One Fanout tool, called on its own: its output as structured content and as text. */
async function callOne(calls: Calls, tool: ExposedTool, args: unknown, context: CallContext) {
  const problems = await inputProblems(tool, args ?? {});
  if (problems.length > 0) throw new ArgumentError(problems);
  const input = (args ?? {}) as Record<string, unknown>;
  const batch = await runBatch(calls.client, calls.recent, [{ tool, input }], context);
  const [call] = batch.results;
  if (!call || call.status !== 'succeeded') {
    const why = call?.error ? `${call.error.code}: ${call.error.message}` : 'no error recorded';
    return failed(`${mcpNameOf(tool)} ${call?.status ?? 'cancelled'}: ${why}`);
  }
  const fitted = fitResult(call.result, calls.maxResultChars);
  const uri = resultUri(batch.workflowId, call.taskId);
  return {
    structuredContent: fitted.value as Record<string, unknown>,
    content: [
      { type: 'text', text: JSON.stringify(fitted.value) },
      ...(fitted.cutFrom ? cutNote(uri, fitted.cutFrom, calls.maxResultChars) : []),
    ],
  } satisfies CallToolResult;
}

/** `fanout_batch`: every call checked first, then all run as one workflow, in order. */
async function callBatch(calls: Calls, args: unknown, context: CallContext) {
  const parsed = parseArguments(BatchArguments, args);
  const batch: BatchCall[] = parsed.calls.map((call) => ({
    tool: toolOfMcpName(call.tool) as ExposedTool,
    input: call.input,
  }));
  const found = await Promise.all(
    batch.map((call, i) => inputProblems(call.tool, call.input, `calls[${i}].input`)),
  );
  const problems = found.flat();
  if (problems.length > 0) throw new ArgumentError(problems);
  const run = await runBatch(calls.client, calls.recent, batch, context, parsed.maxConcurrency);
  // Each call gets its share of what one answer may carry; a bigger one is cut and linked.
  const share = Math.max(1_000, Math.floor(calls.maxResultChars / batch.length));
  const links: CallToolResult['content'] = [];
  const results = run.results.map(({ taskId, ...call }) => {
    const fitted = fitResult(call.result, share);
    if (!fitted.cutFrom) return call;
    const uri = resultUri(run.workflowId, taskId);
    links.push({ type: 'resource_link', uri, name: uri, mimeType: 'application/json' });
    return { ...call, result: fitted.value, resource: uri };
  });
  const structured = { workflowId: run.workflowId, status: run.status, results };
  const note = `${links.length} result(s) were cut to fit ${share} characters each; their \`resource\` is the whole.`;
  return {
    structuredContent: structured,
    content: [
      { type: 'text', text: JSON.stringify(structured) },
      ...(links.length > 0 ? [{ type: 'text' as const, text: note }, ...links] : []),
    ],
  } satisfies CallToolResult;
}

/** Submits a workflow; the orchestrator's or the checker's refusal names the fields. */
async function submit(
  calls: Calls,
  workflow: Parameters<FanoutClient['submit']>[0],
  title: string,
) {
  try {
    const handle = await calls.client.submit(workflow);
    calls.recent.add(handle.id, title);
    return handle;
  } catch (error) {
    const problems = problemsOfRefusal(error);
    if (!problems) throw error;
    throw new ArgumentError(
      problems.map((problem) => {
        const where =
          problem.line === undefined ? '' : ` (line ${problem.line}:${problem.column ?? 1})`;
        return `workflow${problem.path ? `.${problem.path}` : ''}${where}: ${problem.message}`;
      }),
    );
  }
}

/** `fanout_run`: a workflow definition run to its end, as `fanout run --json` reports it. */
async function callRun(calls: Calls, args: unknown, context: CallContext) {
  const { workflow } = parseArguments(RunArguments, args);
  const handle = await submit(
    calls,
    workflow as Parameters<FanoutClient['submit']>[0],
    'fanout_run',
  );
  const followed = await followWorkflow(handle, context);
  if (!followed.done) return failed(`workflow ${handle.id} was cancelled`);
  const document = {
    workflowId: handle.id,
    summary: { workflowId: handle.id, ...followed.done.synthesis, status: followed.done.status },
    results: Object.fromEntries(followed.results),
  };
  const fitted = fitResult(document, calls.maxResultChars);
  const uri = workflowUri(handle.id);
  return {
    structuredContent: fitted.value as Record<string, unknown>,
    content: [
      { type: 'text', text: JSON.stringify(fitted.value) },
      ...(fitted.cutFrom ? cutNote(uri, fitted.cutFrom, calls.maxResultChars) : []),
    ],
    isError: followed.done.status === 'failed' || followed.done.status === 'cancelled',
  } satisfies CallToolResult;
}

/** `fanout_ask`: the master and its specialists, as `fanout ask --json` reports them. */
async function callAsk(calls: Calls, args: unknown, context: CallContext) {
  const parsed = parseArguments(AskArguments, args);
  const root = resolve(calls.defaultRoot, parsed.root ?? '.');
  if (!(await stat(root).catch(() => undefined))?.isDirectory()) {
    throw new ArgumentError([`root: ${root} is not a directory`]);
  }
  const budget = {
    maxTasks: parsed.maxTasks ?? DEFAULT_BUDGET.maxTasks,
    maxDurationMs: parsed.maxDurationMs ?? DEFAULT_BUDGET.maxDurationMs,
  };
  const specialists = parsed.specialists ? { specialists: parsed.specialists } : {};
  const workflow = askWorkflow({ goal: parsed.goal, root, budget, ...specialists });
  const handle = await submit(calls, workflow, `fanout_ask: ${parsed.goal}`);
  const followed = await followWorkflow(handle, context);
  if (!followed.done) return failed(`ask ${handle.id} was cancelled`);
  const tree = new AgentTree();
  for (const item of followed.tree) tree.add(item);
  const master = followed.results.get('ask/master');
  const outcome = outcomeOf(parsed.goal, followed.done, master, tree);
  return {
    structuredContent: askDocument(outcome),
    content: [{ type: 'text', text: askMarkdown(outcome) }],
    isError: !outcome.report,
  } satisfies CallToolResult;
}

/** A tool error: the text says what went wrong; the server goes on. */
export function failed(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** Runs the named tool, or undefined when there is no tool of that name. */
export function callTool(
  calls: Calls,
  name: string,
  args: unknown,
  context: CallContext,
): Promise<CallToolResult> | undefined {
  if (name === 'fanout_batch') return callBatch(calls, args, context);
  if (name === 'fanout_run') return callRun(calls, args, context);
  if (name === 'fanout_ask') return callAsk(calls, args, context);
  const tool = toolOfMcpName(name);
  return tool ? callOne(calls, tool, args, context) : undefined;
}
