import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { chmod, rm } from 'node:fs/promises';
import type { FanoutClient } from '@fanout/client';
import type { Priority } from '@fanout/contracts';
import { checkCall } from '../commands/call';
import { UsageError } from '../exit-codes';

/** A call as `fanout call` hands it over, and the outcome it gets back. */
export interface ControlCall {
  tool: string;
  input: Record<string, unknown>;
  /** 0 (highest) to 4. */
  priority?: number;
  timeoutMs?: number;
}

/** The largest call body taken: a tool's input, not a file upload. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * The control socket of a running `fanout dev`: a Unix socket in its home (mode 0600, so
 * only its user reaches it) where `fanout call` hands over a call instead of loading the
 * NATS client, the contracts and the engine's checks itself. The call is checked and run
 * here through the same client, on the same bus, as `fanout call --nats` would; the command
 * then costs little more than starting Node.
 *
 * `POST /call` with a {@link ControlCall}: 200 with the outcome `{status, result, error}`,
 * 400 `{usage}` when the call does not fit its tool (the message `fanout call` prints),
 * 500 `{message}` when it could not be run.
 */
export async function serveControl(path: string, client: FanoutClient) {
  const server = createServer((request, response) => {
    void answer(request, response, client);
  });
  await rm(path, { force: true }); // a socket a killed dev left behind
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(request: IncomingMessage, response: ServerResponse, client: FanoutClient) {
  const reply = (status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (request.method !== 'POST' || request.url !== '/call') {
    return reply(404, {
      message: `no ${request.method} ${request.url}: POST /call is all there is`,
    });
  }
  try {
    const call = parseCall(await readBody(request));
    await checkCall(call.tool, call.input);
    const { timeoutMs } = call;
    // Checked to be 0..4 by parseCall.
    const priority = call.priority as Priority | undefined;
    reply(
      200,
      await client.call(call.tool, call.input, { priority, ...(timeoutMs ? { timeoutMs } : {}) }),
    );
  } catch (error) {
    if (error instanceof UsageError) return reply(400, { usage: error.message });
    reply(500, { message: error instanceof Error ? error.message : String(error) });
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new UsageError(`a call is at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseCall(text: string): ControlCall {
  let call: unknown;
  try {
    call = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the call is not JSON: ${(error as Error).message}`);
  }
  const { tool, input, priority, timeoutMs } = (call ?? {}) as Partial<ControlCall>;
  if (typeof tool !== 'string' || typeof input !== 'object' || input === null) {
    throw new UsageError('a call is {"tool": "<name>", "input": {…}}');
  }
  if (priority !== undefined && ![0, 1, 2, 3, 4].includes(priority)) {
    throw new UsageError('priority is 0 (highest) to 4');
  }
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new UsageError('timeoutMs is a whole number of milliseconds');
  }
  return call as ControlCall;
}
