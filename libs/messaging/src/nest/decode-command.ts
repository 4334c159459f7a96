import { Command, WorkflowId, type CommandName } from '@fanout/contracts';
import type { JsMsg } from '@nats-io/jetstream';
import { z } from 'zod';
import { decode, validate } from '../channels/codec';
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

/**
 * Reads a message of the command bus that may hold several reports: a worker sends the
 * reports of one turn together as a JSON array (`ReportBatcher`). Each element is decoded
 * on its own, so one bad report does not sink the others; any other message is one
 * command, as {@link decodeCommand} reads it.
 */
export function decodeCommands(pattern: CommandName, message: JsMsg): Decoded[] {
  if (pattern !== 'task.report' || message.data[0] !== OPEN_BRACKET) {
    return [decodeCommand(pattern, message)];
  }
  let elements: unknown[];
  try {
    elements = decode(z.array(z.unknown()).min(1), message.data, message.subject);
  } catch (error) {
    if (!(error instanceof InvalidMessageError)) throw error;
    return [{ ok: false, error }];
  }
  return elements.map((element, index) => {
    const where = `${message.subject}[${index}]`;
    try {
      const command = validate(Command, element, where);
      if (command.type === pattern) return { ok: true, command };
      throw new InvalidMessageError(where, [
        `a '${command.type}' command arrived among the reports`,
      ]);
    } catch (error) {
      if (!(error instanceof InvalidMessageError)) throw error;
      const workflowId = WorkflowId.safeParse((element as { workflowId?: unknown })?.workflowId);
      return { ok: false, error, ...(workflowId.success ? { workflowId: workflowId.data } : {}) };
    }
  });
}

/** `[`: a body that is a JSON array (what a batch of reports is). */
const OPEN_BRACKET = 0x5b;

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
