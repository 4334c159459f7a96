import OpenAI, { APIConnectionError, APIError } from 'openai';
import { AgentError } from '../../errors';
import type { LlmConfig } from '../../llm-config';
import { readReply, type ChatReply } from './chat-reply';
import type { ToolFunctionSpec } from './tool-functions';

export type ChatMessage = OpenAI.Chat.ChatCompletionMessageParam;

/** One model call: the conversation so far, and the tools offered (none: answer now). */
export type Chat = (
  request: { messages: ChatMessage[]; tools: ToolFunctionSpec[] },
  signal: AbortSignal,
) => Promise<ChatReply>;

/**
 * Chat completions with the `openai` client (its retries and timeout), the body read by
 * `readReply` rather than trusted. Failures come out as `AgentError`s whose code says what
 * went wrong: `MODEL_UNREACHABLE` (network), `MODEL_REFUSED` (an HTTP error: a 400 for
 * tools it does not support, a bad key…), `MODEL_GARBAGE` (a reply that is no completion).
 */
export function openAiChat(config: LlmConfig): Chat {
  const client = new OpenAI({
    baseURL: config.baseUrl,
    apiKey: config.apiKey,
    timeout: config.timeoutMs,
    maxRetries: config.retries,
  });
  return async ({ messages, tools }, signal) => {
    let body: string;
    try {
      const response = await client.chat.completions
        .create(
          {
            model: config.model,
            messages,
            ...(tools.length > 0 ? { tools, parallel_tool_calls: true } : {}),
          },
          { signal },
        )
        .asResponse();
      body = await response.text();
    } catch (error) {
      if (signal.aborted) throw error;
      if (error instanceof APIConnectionError) {
        throw new AgentError(
          'MODEL_UNREACHABLE',
          `the model could not be reached: ${error.message}`,
          {
            cause: error,
          },
        );
      }
      if (error instanceof APIError) {
        throw new AgentError(
          'MODEL_REFUSED',
          `the model refused: HTTP ${error.status} ${error.message}`,
          {
            cause: error,
          },
        );
      }
      throw new AgentError(
        'MODEL_GARBAGE',
        `the model's reply could not be read: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
    return readReply(body);
  };
}
