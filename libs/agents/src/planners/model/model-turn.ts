import { z } from 'zod';

/**
 * One model reply as a model round records it: its text, its tool calls (the id the model
 * gave or one made for it, the function and its arguments as sent) and the tokens it cost.
 * A call that could not run says why in `refused`; the others ran as tasks `call-<n>`,
 * `n` its index here.
 */
export const ModelTurn = z.object({
  content: z.string().nullable(),
  calls: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      arguments: z.string(),
      refused: z.string().optional(),
    }),
  ),
  tokens: z.number().int().nonnegative(),
});
export type ModelTurn = z.infer<typeof ModelTurn>;

/**
 * The turn as text that holds no `$`: the engine reads `${{ … }}` in any string of a task's
 * input as a reference, so every `$` is written as the JSON escape `\u0024`, which
 * `JSON.parse` reads back as `$`.
 */
export function encodeTurn(turn: ModelTurn): string {
  return JSON.stringify(turn).replaceAll('$', '\\u0024');
}

/** The turn recorded by `encodeTurn`, or undefined when the value is not one. */
export function decodeTurn(text: unknown): ModelTurn | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return ModelTurn.safeParse(JSON.parse(text)).data;
  } catch {
    return undefined;
  }
}
