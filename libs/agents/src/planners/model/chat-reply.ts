import { z } from 'zod';
import { AgentError } from '../../errors';

/** A tool call as the model wrote it: the id may be missing, the arguments a string or not. */
export interface RawCall {
  id: unknown;
  name: string;
  arguments: unknown;
}

/** What a model reply says, read leniently. */
export interface ChatReply {
  content: string | null;
  calls: RawCall[];
  tokens: number;
}

/**
 * A chat completion as endpoints that claim compatibility send it: only what a reply
 * cannot do without is required; ids, types and usage may be missing or odd.
 */
const Completion = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z
            .array(
              z.object({
                id: z.unknown().optional(),
                function: z.object({ name: z.string().min(1), arguments: z.unknown().optional() }),
              }),
            )
            .nullish(),
        }),
      }),
    )
    .min(1),
  usage: z
    .object({
      total_tokens: z.number().nonnegative().optional(),
      prompt_tokens: z.number().nonnegative().optional(),
      completion_tokens: z.number().nonnegative().optional(),
    })
    .nullish(),
});

/** The tokens a reply cost: its `total_tokens`, else prompt plus completion, else 0. */
function tokensOf(usage: z.infer<typeof Completion>['usage']): number {
  const total =
    usage?.total_tokens ?? (usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0);
  return Math.round(total);
}

/** Reads a reply body; one that is not JSON or not a chat completion is `MODEL_GARBAGE`. */
export function readReply(body: string): ChatReply {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new AgentError('MODEL_GARBAGE', `the model's reply is not JSON: ${body.slice(0, 120)}`);
  }
  const read = Completion.safeParse(json);
  if (!read.success) {
    throw new AgentError(
      'MODEL_GARBAGE',
      `the model's reply is not a chat completion: ${z.prettifyError(read.error)}`,
    );
  }
  const [{ message }] = read.data.choices as [(typeof read.data.choices)[number]];
  return {
    content: message.content ?? null,
    calls: (message.tool_calls ?? []).map((call) => ({
      id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
    })),
    tokens: tokensOf(read.data.usage),
  };
}
