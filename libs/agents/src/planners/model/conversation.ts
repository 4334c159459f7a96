import type { ChildOutcome } from '@fanout/contracts';
import type { ChatMessage } from './chat';
import { callOutcome, isModelRound, turnOf } from './model-round';

/** A tool result cut to `max` characters, saying how much was left out. */
function bounded(value: unknown, max: number): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length <= max
    ? text
    : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** What the specialist is told before the goal. */
export function systemPrompt(specialist: string, context: unknown): string {
  const root = (context as { root?: unknown } | undefined)?.root;
  return [
    `You are the "${specialist}" specialist of Fanout. Investigate the goal with the tools offered.`,
    'Call several tools at once whenever the calls do not depend on each other: they run in parallel.',
    typeof root === 'string'
      ? `The tree you work on is ${root}; pass it as "root" to the code tools.`
      : '',
    'When you know enough, answer in plain text without calling tools. Cite each fact: a file as',
    'path:line (path relative to the root), a web page by its full URL. Cite only what the tool',
    'results showed you.',
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * The conversation so far, rebuilt from the recorded rounds alone (no model call): the
 * goal, then for each model round the model's reply and a tool message per call, with
 * the call's id. Also the tokens the model has spent on those rounds.
 */
export function conversation(input: {
  specialist: string;
  goal: string;
  context?: unknown;
  rounds: readonly ChildOutcome[];
  resultChars: number;
}): { messages: ChatMessage[]; spent: number } {
  const messages: ChatMessage[] = [
    { role: 'system', content: systemPrompt(input.specialist, input.context) },
    {
      role: 'user',
      content:
        input.context === undefined
          ? input.goal
          : `${input.goal}\n\nContext: ${JSON.stringify(input.context)}`,
    },
  ];
  let spent = 0;
  for (const outcome of input.rounds.filter(isModelRound)) {
    const turn = turnOf(outcome);
    spent += turn.tokens;
    messages.push({
      role: 'assistant',
      content: turn.content,
      ...(turn.calls.length > 0
        ? {
            tool_calls: turn.calls.map((call) => ({
              id: call.id,
              type: 'function' as const,
              function: { name: call.name, arguments: call.arguments },
            })),
          }
        : {}),
    });
    turn.calls.forEach((call, index) => {
      const { tool: _tool, ...said } = callOutcome(outcome, turn, index);
      messages.push({
        role: 'tool',
        tool_call_id: call.id,
        content: bounded(said, input.resultChars),
      });
    });
  }
  return { messages, spent };
}
