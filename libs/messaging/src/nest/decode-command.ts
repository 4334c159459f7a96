import { Command, WorkflowId, type CommandName } from '@fanout/contracts';
import type { JsMsg } from '@nats-io/jetstream';
import { decode } from '../channels/codec';
import { InvalidMessageError } from '../errors';

/** A command read off the bus, or why it can never be handled. */
export type Decoded =
  { ok: true; command: Command } | { ok: false; error: InvalidMessageError; workflowId?: string };

/**
 * Reads a message of the command bus: JSON, valid against the `Command` contract, and of
 * the command the consumer was made for (a `task.call` payload on the `workflow.submit`
 * subject is as wrong as bad JSON). Every problem is named, with its path in the payload.
 */
export function decodeCommand(pattern: CommandName, message: JsMsg): Decoded {
  try {
    const command = decode(Command, message.data, message.subject);
    if (command.type !== pattern) {
      throw new InvalidMessageError(message.subject, [
        `a '${command.type}' command arrived on the consumer of '${pattern}'`,
      ]);
    }
    return { ok: true, command };
  } catch (error) {
    if (!(error instanceof InvalidMessageError)) throw error;
    return { ok: false, error, ...workflowIdOf(message.data) };
  }
}

/** A record about a command joins its workflow's story when the payload names one. */
export function workflowIdOf(data: Uint8Array): { workflowId?: string } {
  try {
    const raw = JSON.parse(new TextDecoder().decode(data)) as { workflowId?: unknown } | null;
    const parsed = WorkflowId.safeParse(raw?.workflowId);
    return parsed.success ? { workflowId: parsed.data } : {};
  } catch {
    return {};
  }
}
