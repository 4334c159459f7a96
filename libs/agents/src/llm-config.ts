import { z } from 'zod';

/**
 * The model the specialists may plan with, read from the environment in this one place.
 * Without `FANOUT_LLM_BASE_URL` there is none and every specialist plans by templates.
 */
const LlmSettings = z.object({
  /** An OpenAI-compatible endpoint, up to `/v1` (e.g. `http://127.0.0.1:11434/v1`). */
  FANOUT_LLM_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  FANOUT_LLM_MODEL: z.string().min(1).default('gpt-4o-mini'),
  /** Local servers take any key; the client refuses to start without one. */
  FANOUT_LLM_API_KEY: z.string().min(1).default('unused'),
  /** Model rounds before the specialist is told to answer with what it has. */
  FANOUT_LLM_MAX_ROUNDS: z.coerce.number().int().min(1).max(50).default(8),
  /** A model call's limit, each try. */
  FANOUT_LLM_TIMEOUT_MS: z.coerce.number().int().positive().max(600_000).default(120_000),
  /** Tries again after a connection error, a 408, 409, 429 or 5xx. */
  FANOUT_LLM_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** How much of a tool's result goes back to the model, in characters. */
  FANOUT_LLM_RESULT_CHARS: z.coerce.number().int().min(200).max(1_000_000).default(8_000),
});

/** How a model planner reaches its model and how far it lets it go. */
export interface LlmConfig {
  baseUrl: string;
  model: string;
  apiKey: string;
  maxRounds: number;
  timeoutMs: number;
  retries: number;
  resultChars: number;
}

/** The model settings, or undefined when no model is configured; a bad value is named. */
export function llmConfigFromEnv(env: NodeJS.ProcessEnv): LlmConfig | undefined {
  const read = LlmSettings.safeParse(
    Object.fromEntries(
      Object.keys(LlmSettings.shape).flatMap((name) => (env[name] ? [[name, env[name]]] : [])),
    ),
  );
  if (!read.success) throw new Error(`bad model settings: ${z.prettifyError(read.error)}`);
  const settings = read.data;
  if (!settings.FANOUT_LLM_BASE_URL) return undefined;
  return {
    baseUrl: settings.FANOUT_LLM_BASE_URL,
    model: settings.FANOUT_LLM_MODEL,
    apiKey: settings.FANOUT_LLM_API_KEY,
    maxRounds: settings.FANOUT_LLM_MAX_ROUNDS,
    timeoutMs: settings.FANOUT_LLM_TIMEOUT_MS,
    retries: settings.FANOUT_LLM_RETRIES,
    resultChars: settings.FANOUT_LLM_RESULT_CHARS,
  };
}
