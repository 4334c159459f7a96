import { createServer, type Socket } from 'node:net';
import { chmod, rm } from 'node:fs/promises';
import type { CallOutcome, FanoutClient } from '@fanout/client';
import type { Priority } from '@fanout/contracts';
import { checkCall } from '../commands/call';
import { UsageError } from '../exit-codes';

/** A call as `fanout call` hands it over. */
export interface ControlCall {
  tool: string;
  input: Record<string, unknown>;
  /** 0 (highest) to 4. */
  priority?: number;
  timeoutMs?: number;
}

/**
 * What the dev answers, one of: the call's outcome; `usage` when the call does not fit its
 * tool or is not a call (the message `fanout call` prints, exit 2); `error` when it could
 * not be run, with the error's `name` (`TimeoutError`, …), which gives `fanout call` the
 * exit code it has when it runs the call itself.
 */
export type ControlReply =
  { outcome: CallOutcome } | { usage: string } | { error: string; name?: string };

/** The largest call taken: a tool's input, not a file upload. */
const MAX_CALL_BYTES = 16 * 1024 * 1024;
/** How long a caller may take to hand its call over. */
const READ_TIMEOUT_MS = 60_000;

/**
 * The control socket of a running `fanout dev`: a Unix socket in its home (mode 0600, so
 * only its user reaches it) where `fanout call` hands over a call instead of loading the
 * NATS client, the contracts and the engine's checks itself. The call is checked and run
 * here through the same client, on the same bus, as `fanout call --nats` would; the command
 * then costs little more than starting Node.
 *
 * The exchange is one JSON document each way, each ended by its sender's end of the stream:
 * the caller writes a {@link ControlCall} and ends its side; the dev answers a
 * {@link ControlReply} and closes. No HTTP: its client alone (`node:http`, which loads
 * undici) would double what `fanout call` loads.
 */
export async function serveControl(path: string, client: FanoutClient) {
  const open = new Set<Socket>(); // closed with the server: a call waiting has no dev left
  // Half-open: the caller's end says the call is whole, and the answer still goes back.
  const server = createServer({ allowHalfOpen: true }, (connection) => {
    open.add(connection);
    connection.once('close', () => open.delete(connection));
    void answer(connection, client);
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
        for (const connection of open) connection.destroy();
      }),
  };
}

async function answer(connection: Socket, client: FanoutClient): Promise<void> {
  // A caller gone before its answer is nothing to report: the call's records are in the log.
  connection.on('error', () => undefined);
  const reply = (body: ControlReply): void => void connection.end(JSON.stringify(body));
  try {
    const call = parseCall(await readCall(connection));
    await checkCall(call.tool, call.input);
    const { timeoutMs } = call;
    // Checked to be 0..4 by parseCall.
    const priority = call.priority as Priority | undefined;
    const outcome = await client.call(call.tool, call.input, {
      priority,
      ...(timeoutMs ? { timeoutMs } : {}),
    });
    reply({ outcome });
  } catch (error) {
    if (error instanceof UsageError) return reply({ usage: error.message });
    if (error instanceof Error) return reply({ error: error.message, name: error.name });
    reply({ error: String(error) });
  }
}

/**
 * Everything the caller writes before it ends its side. Too much, or nothing for a minute,
 * is refused without reading on (the answer still goes back on the open half).
 */
function readCall(connection: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const refuse = (error: Error) => {
      connection.pause().removeAllListeners('data').removeAllListeners('end');
      connection.setTimeout(0);
      reject(error);
    };
    connection.setTimeout(READ_TIMEOUT_MS, () =>
      refuse(new UsageError(`no whole call within ${READ_TIMEOUT_MS} ms`)),
    );
    connection.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_CALL_BYTES)
        refuse(new UsageError(`a call is at most ${MAX_CALL_BYTES} bytes`));
      else chunks.push(chunk);
    });
    connection.once('end', () => {
      connection.setTimeout(0);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
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
