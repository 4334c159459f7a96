import { Command, WorkflowId, type CommandName } from '@fanout/contracts';
import type { JsMsg } from '@nats-io/jetstream';
import { z } from 'zod';
import { decode, validate } from '../channels/codec';
import { InvalidMessageError } from '../errors';

/** A command read off the bus, or why it can never be handled. */
export type Decoded =
  { ok: true; command: Command } | { ok: false; error: InvalidMessageError; workflowId?: string };

/**
 * Reads a message of the command bus: JSON, each command valid against the `Command`
 * contract and of the command the consumer was made for (a `task.call` payload on the
 * `workflow.submit` subject is as wrong as bad JSON). Every problem is named, with its path
 * in the payload. A `task.report` message may hold several reports, a JSON array (a
 * worker sends the reports of one turn together, `ReportBatcher`): each is read on its own,
 * so one bad report does not sink the others.
 */
export function decodeCommands(pattern: CommandName, message: JsMsg): Decoded[] {
  let body: unknown;
  try {
    body = decode(z.unknown(), message.data, message.subject);
  } catch (error) {
    if (!(error instanceof InvalidMessageError)) throw error;
    return [{ ok: false, error }];
  }
  if (pattern === 'task.report' && Array.isArray(body) && body.length > 0) {
    return body.map((element, index) =>
      commandOf(pattern, element, `${message.subject}[${index}]`),
    );
  }
  return [commandOf(pattern, body, message.subject)];
}

/** One command of a message, checked; `where` names it in a problem. */
function commandOf(pattern: CommandName, raw: unknown, where: string): Decoded {
  try {
    const command = validate(Command, raw, where);
    if (command.type !== pattern) {
      throw new InvalidMessageError(where, [
        `a '${command.type}' command arrived on the consumer of '${pattern}'`,
      ]);
    }
    return { ok: true, command };
  } catch (error) {
    if (!(error instanceof InvalidMessageError)) throw error;
    const workflowId = WorkflowId.safeParse((raw as { workflowId?: unknown } | null)?.workflowId);
    return { ok: false, error, ...(workflowId.success ? { workflowId: workflowId.data } : {}) };
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
