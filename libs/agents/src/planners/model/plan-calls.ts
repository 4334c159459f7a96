import { isAbsolute, relative, resolve } from 'node:path';
import { TOOLS, type ToolName, type WorkflowDocument } from '@fanout/contracts';
import { z } from 'zod';
import type { ChatReply, RawCall } from './chat-reply';
import { MODEL_PHASE, REPLY_TASK, callTask } from './model-round';
import { encodeTurn, type ModelTurn } from './model-turn';
import { toolOfFunction } from './tool-functions';

/** What a model round may run, and what it knows of its specialist. */
export interface CallLimits {
  round: number;
  offered: readonly ToolName[];
  /** The tree the specialist works on, given to calls whose tool takes a `root` and set none. */
  root?: string;
  maxCalls: number;
}

/** An id the model gave, if it can be sent back as it came; a stable one made for it if not. */
function callIdOf(raw: RawCall, index: number, round: number, taken: Set<string>): string {
  const given = typeof raw.id === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(raw.id) ? raw.id : '';
  const id = given && !taken.has(given) ? given : `call_r${round}_${index}`;
  taken.add(id);
  return id;
}

/** The arguments as an object, or why they are not one (a string must hold a JSON object). */
function argumentsOf(raw: unknown): Record<string, unknown> | string {
  let value = raw ?? {};
  if (typeof value === 'string') {
    try {
      value = value.trim() === '' ? {} : JSON.parse(value);
    } catch (error) {
      return `the arguments are not valid JSON (${(error as Error).message})`;
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : 'the arguments are not a JSON object';
}

/** Whether `path` is `root` or under it. */
function within(root: string, path: unknown): boolean {
  if (typeof path !== 'string') return false;
  const inside = relative(root, resolve(root, path));
  return inside === '' || (!inside.startsWith('..') && !isAbsolute(inside));
}

/** Why a call cannot run as a task, or its tool and input. */
function checkCall(
  raw: RawCall,
  limits: CallLimits,
): { tool: ToolName; input: Record<string, unknown> } | string {
  const tool = toolOfFunction(raw.name, limits.offered);
  if (!tool) return `there is no tool "${raw.name}"; offered: ${limits.offered.join(', ')}`;
  const args = argumentsOf(raw.arguments);
  if (typeof args === 'string') return args;
  const input = TOOLS[tool].input;
  const takesRoot = input instanceof z.ZodObject && 'root' in input.shape;
  const withRoot = limits.root && takesRoot ? { ...args, root: args['root'] ?? limits.root } : args;
  // The code tools are jailed to the root a task names: the model may not name a wider one.
  if (limits.root && takesRoot && !within(limits.root, withRoot['root'])) {
    return `"root" must be ${limits.root} or a directory under it`;
  }
  // The engine would read it as a reference to another task's result.
  if (JSON.stringify(withRoot).includes('${{')) return 'the arguments may not contain "${{"';
  const checked = input.safeParse(withRoot);
  if (!checked.success) return `invalid arguments: ${z.prettifyError(checked.error)}`;
  return { tool, input: withRoot };
}

/**
 * A model reply as the next child: one phase where every call runs at once, next to the
 * task that records the reply (see `model-round.ts`). A call that cannot run is not
 * planned; the model is told why next round, as it is told any tool's error.
 */
export function planCalls(
  reply: ChatReply,
  specialist: string,
  limits: CallLimits,
): { plan: WorkflowDocument; turn: ModelTurn; runs: number } {
  const taken = new Set<string>();
  const tasks: { id: string; tool: string; input: Record<string, unknown> }[] = [];
  const calls = reply.calls.map((raw, index) => {
    const id = callIdOf(raw, index, limits.round, taken);
    const name = raw.name;
    const args =
      typeof raw.arguments === 'string' ? raw.arguments : JSON.stringify(raw.arguments ?? {});
    const checked =
      tasks.length >= limits.maxCalls
        ? `not run: the task budget allows ${limits.maxCalls} calls a round`
        : checkCall(raw, limits);
    if (typeof checked === 'string') return { id, name, arguments: args, refused: checked };
    tasks.push({ id: callTask(index), tool: checked.tool, input: checked.input });
    return { id, name, arguments: args };
  });
  const turn: ModelTurn = { content: reply.content, calls, tokens: reply.tokens };
  const plan: WorkflowDocument = {
    name: `${specialist}: model round ${limits.round}`,
    phases: [
      {
        id: MODEL_PHASE,
        // A call that fails is an answer for the model, not the end of the round.
        barrier: { policy: 'degrade' },
        tasks: [
          { id: REPLY_TASK, tool: 'agent.aggregate', input: { lists: [[encodeTurn(turn)]] } },
          ...tasks,
        ],
      },
    ],
  };
  return { plan, turn, runs: tasks.length };
}
