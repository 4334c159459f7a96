import type { CallOutcome } from '@fanout/client';
import { UsageError } from '../exit-codes';
import type { ControlCall, ControlReply } from './dev-control';

/**
 * Hands one call to a running `fanout dev` over its control socket and waits for the
 * outcome (see `serveControl` for the exchange). This path must stay light: it is most of
 * what `fanout call` does against a dev, so it uses Node's `net` and nothing else. Taken
 * with `process.getBuiltinModule` rather than `import`: an ES import of a built-in module
 * reads every one of its exports, and with them the lazy ones (`node:http`'s load the
 * whole of undici: about half the command's own start).
 */
export function callThroughDev(socket: string, call: ControlCall): Promise<CallOutcome> {
  const { connect } = process.getBuiltinModule('node:net');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const connection = connect(socket);
    connection.on('data', (chunk: Buffer) => chunks.push(chunk));
    // Exit 3, as when NATS does not answer.
    connection.on('error', (error) =>
      reject(
        namedError(`fanout dev did not answer on ${socket}: ${error.message}`, 'ConnectionError'),
      ),
    );
    connection.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const reply = parse(text);
      if ('outcome' in reply) resolve(reply.outcome as CallOutcome);
      else if ('usage' in reply) reject(new UsageError(reply.usage));
      else reject(namedError(`fanout dev could not run the call: ${reply.error}`, reply.name));
    });
    // Our side ends with the call: the dev answers once it has read all of it.
    connection.end(JSON.stringify(call));
  });
}

/** The dev's error under its own name, so that it exits as it would have here. */
function namedError(message: string, name: string | undefined): Error {
  const error = new Error(message);
  if (name) error.name = name;
  return error;
}

function parse(text: string): ControlReply {
  try {
    const reply = JSON.parse(text) as ControlReply | null;
    if (reply && typeof reply === 'object') return reply;
  } catch {
    // Said below, with what came instead.
  }
  return { error: text === '' ? 'it closed the socket without a reply' : text };
}
