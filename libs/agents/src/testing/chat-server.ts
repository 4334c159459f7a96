import { serve, type TestServer } from '@fanout/tools-web/testing';

/** A scripted answer of the chat server: a completion, or any status and body. */
export type ScriptedReply = { status?: number; body: unknown };

/** A loopback endpoint speaking chat completions: replies as scripted, requests kept. */
export interface ChatServer {
  baseUrl: string;
  requests: Record<string, unknown>[];
  close(): Promise<void>;
}

/** A completion whose message says `content` and calls `calls` (raw, as an endpoint sends them). */
export function completion(
  message: { content?: string | null; tool_calls?: unknown[] },
  totalTokens = 100,
): ScriptedReply {
  return {
    body: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      model: 'test-model',
      choices: [
        {
          index: 0,
          finish_reason: 'stop',
          message: { role: 'assistant', content: null, ...message },
        },
      ],
      usage: { prompt_tokens: totalTokens - 10, completion_tokens: 10, total_tokens: totalTokens },
    },
  };
}

/** Serves `/v1/chat/completions`, answering each request with the next scripted reply. */
export async function chatServer(script: ScriptedReply[]): Promise<ChatServer> {
  const requests: Record<string, unknown>[] = [];
  const server: TestServer = await serve({
    '/v1/chat/completions': (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        requests.push(
          JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        );
        const reply = script.shift() ?? {
          status: 500,
          body: { error: { message: 'script ended' } },
        };
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json' }).end(text);
      });
    },
  });
  return { baseUrl: `${server.origin}/v1`, requests, close: () => server.close() };
}
